package io.pgvault.http;

import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import io.pgvault.errors.Redactor;
import io.quarkus.funqy.runtime.FunctionInvoker;
import io.quarkus.funqy.runtime.FunctionRecorder;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

import java.util.List;

/**
 * Turns every failure of an HTTP function into a JSON error a user can act on — {@code error} (the failure
 * kind), {@code message} (problem, evidence, HINT) and the status the kind calls for — and never into a
 * stack trace; an unknown route answers a JSON 404 naming the functions, and a body that does not bind a 400 (see
 * {@link RequestBodies}). Also lets a function answer 202 Accepted.
 */
@ApplicationScoped
public class HttpErrors {

    private static final Logger LOG = Logger.getLogger(HttpErrors.class);

    /** An answer: status, {@code error} code and {@code message} (problem, evidence, HINT). */
    private record Answer(int status, String code, String message) {
    }

    private static final Answer BAD_BODY = new Answer(400, ErrorKind.INVALID_REQUEST.code(),
            "The request body is not valid JSON for this function, or a field has the wrong type."
                    + "\nHINT: Send a JSON object with the documented fields, e.g. {\"server\":\"pg1\",\"backupId\":\"latest\","
                    + "\"targetContainerUrl\":\"https://acct.blob.core.windows.net/restored\"}.");
    private static final Answer WRONG_METHOD = new Answer(405, "method-not-allowed",
            "Use GET or POST.\nHINT: GET for status, catalog and preflight; POST with a JSON body for restore.");
    private static final Answer TOO_LARGE = new Answer(413, "too-large",
            "The request body is too large.\nHINT: Requests are small JSON documents (at most 64 KiB).");

    void routes(@Observes Router router) {
        // Every route: with quarkus.http.root-path=/api this router is mounted under /api, so its paths are
        // relative to it and a "/api/*" route never matched (every failure became Quarkus' 500 with a stack).
        router.route().order(Integer.MIN_VALUE).failureHandler(this::fail);
        // A POST body is read and bound here, before Funqy, which would log a bad one as an ERROR with a trace.
        long limit = ConfigProvider.getConfig().getOptionalValue("quarkus.http.limits.max-body-size", MemorySize.class)
                .map(MemorySize::asLongValue).orElse(64L * 1024);
        router.post().order(Integer.MIN_VALUE + 1).handler(BodyHandler.create(false).setBodyLimit(limit))
                .handler(RequestBodies::check);
        // No function matched (Funqy's route or any other): a JSON 404 instead of Quarkus' HTML page.
        router.route().order(Integer.MAX_VALUE).handler(rc -> rc.fail(404));
    }

    /** Makes the current request answer 202 Accepted instead of Funqy's 200. */
    public static void accepted(CurrentVertxRequest request) {
        RoutingContext rc = request.getCurrent();
        if (rc != null) {
            rc.addHeadersEndHandler(v -> {
                if (rc.response().getStatusCode() == 200) {
                    rc.response().setStatusCode(202);
                }
            });
        }
    }

    /** Every function pgvault serves under /api, as Funqy registered them (so the 404 answer cannot drift). */
    public static List<String> functions() {
        if (FunctionRecorder.registry == null) {
            return List.of();
        }
        return FunctionRecorder.registry.invokers().stream().map(FunctionInvoker::getName).sorted().toList();
    }

    private void fail(RoutingContext rc) {
        if (rc.response().ended()) {
            return;
        }
        Answer a = answer(rc);
        rc.response().setStatusCode(a.status()).putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("error", a.code()).put("message", Redactor.redact(a.message())).encode());
    }

    private static Answer answer(RoutingContext rc) {
        Throwable t = rc.failure();
        while (t != null && !(t instanceof PgvaultException) && t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        if (t instanceof PgvaultException e) {
            return new Answer(e.httpStatus(), e.code(), e.render());
        }
        return switch (rc.statusCode()) {
            case 400 -> BAD_BODY;
            case 404 -> notFound(rc.request().path());
            case 405 -> WRONG_METHOD;
            case 413 -> TOO_LARGE;
            default -> internal(rc, t);
        };
    }

    private static Answer notFound(String path) {
        return new Answer(404, ErrorKind.NOT_FOUND.code(), "There is no such function.\npath: " + printable(path)
                + "\nHINT: The functions are " + String.join(", ", functions()) + " under /api.");
    }

    private static Answer internal(RoutingContext rc, Throwable t) {
        LOG.errorf("HTTP %s %s failed: %s", rc.request().method(), printable(rc.request().path()),
                t == null ? "status " + rc.statusCode() : Redactor.redact(t.toString()));
        return new Answer(500, "internal", "pgvault failed unexpectedly.\nHINT: Look at the function's log for details and retry.");
    }

    /** A request path as shown in an answer or a log line: control characters escaped, at most 200 characters. */
    static String printable(String path) {
        String p = path == null ? "" : path;
        StringBuilder sb = new StringBuilder();
        p.codePoints().limit(200).forEach(c -> sb.append(Character.isISOControl(c) ? String.format("\\u%04x", c)
                : new String(Character.toChars(c))));
        return p.length() > 200 ? sb + "…" : sb.toString();
    }
}
