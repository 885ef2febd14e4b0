package io.pgvault.http;

import io.pgvault.errors.PgvaultException;
import io.pgvault.errors.Redactor;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.util.List;

/**
 * Turns every failure of an HTTP function into a JSON error a user can act on — {@code error} (the failure
 * kind), {@code message} (problem, evidence, HINT) and the status the kind calls for — and never into a
 * stack trace. Also lets a function answer 202 Accepted.
 */
@ApplicationScoped
public class HttpErrors {

    private static final Logger LOG = Logger.getLogger(HttpErrors.class);

    /**
     * Every function pgvault serves under /api, as its {@code @Funq} names them; the 404 answer lists them.
     * FunctionListTest compares this list with the {@code @Funq} methods of the code, so it cannot drift.
     */
    public static final List<String> FUNCTIONS = List.of("backupNow", "backups", "jobs", "preflight", "protect",
            "restore", "restoreStatus", "servers", "unprotect", "verify", "verifyStatus");

    void routes(@Observes Router router) {
        // Every route: with quarkus.http.root-path=/api this router is mounted under /api, so its paths are
        // relative to it and a "/api/*" route never matched (every failure became Quarkus' 500 with a stack).
        router.route().order(Integer.MIN_VALUE).failureHandler(this::fail);
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

    private void fail(RoutingContext rc) {
        Throwable t = rc.failure();
        while (t != null && !(t instanceof PgvaultException) && t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        int status;
        String code;
        String message;
        if (t instanceof PgvaultException e) {
            status = e.httpStatus();
            code = e.code();
            message = e.render();
        } else if (rc.statusCode() == 400) {
            status = 400;
            code = "invalid-request";
            message = "The request body is not valid JSON for this function, or a field has the wrong type."
                    + "\nHINT: Send a JSON object with the documented fields, e.g. {\"server\":\"pg1\",\"backupId\":\"latest\","
                    + "\"targetContainerUrl\":\"https://acct.blob.core.windows.net/restored\"}.";
        } else if (rc.statusCode() == 404) {
            status = 404;
            code = "not-found";
            message = "There is no such function.\nHINT: The functions are " + String.join(", ", FUNCTIONS)
                    + " under /api.";
        } else if (rc.statusCode() == 405) {
            status = 405;
            code = "method-not-allowed";
            message = "Use GET or POST.\nHINT: GET for status, catalog and preflight; POST with a JSON body for restore.";
        } else if (rc.statusCode() == 413) {
            status = 413;
            code = "too-large";
            message = "The request body is too large.\nHINT: Requests are small JSON documents (at most 64 KiB).";
        } else {
            status = 500;
            code = "internal";
            message = "pgvault failed unexpectedly.\nHINT: Look at the function's log for details and retry.";
            LOG.errorf("HTTP %s %s failed: %s", rc.request().method(), rc.request().path(),
                    t == null ? "status " + rc.statusCode() : Redactor.redact(t.toString()));
        }
        if (rc.response().ended()) {
            return;
        }
        rc.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("error", code).put("message", Redactor.redact(message)).encode());
    }
}
