package io.pgvault.http;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectReader;
import io.quarkus.funqy.runtime.FunctionInvoker;
import io.quarkus.funqy.runtime.FunctionRecorder;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import org.jboss.logging.Logger;

import java.io.IOException;

/**
 * Binds a POST body with the very reader Funqy would use, before Funqy sees it, and refuses a body that does not
 * bind with 400 — logged as one WARN line without a stack trace or the body (which may hold a SAS). Funqy itself
 * would log each bad body as an ERROR with Jackson's whole trace: anyone holding a function key could flood the log.
 */
final class RequestBodies {

    private static final Logger LOG = Logger.getLogger(RequestBodies.class);

    private RequestBodies() {
    }

    /** Route handler: passes a body that binds (or a request without one) on, fails the rest with 400. */
    static void check(RoutingContext rc) {
        Buffer body = rc.body() == null ? null : rc.body().buffer();
        ObjectReader reader = reader(rc.request().path());
        if (body == null || body.length() == 0 || reader == null) {
            rc.next();
            return;
        }
        try {
            reader.readValue(body.getBytes());
        } catch (IOException e) {
            LOG.warnf("HTTP %s %s: request body refused (%d bytes, %s%s)", rc.request().method(),
                    HttpErrors.printable(rc.request().path()), body.length(), e.getClass().getSimpleName(), where(e));
            rc.fail(400);
            return;
        }
        rc.next();
    }

    /** Funqy's reader of the input of the function at {@code path} ({@code /api/<name>}); null if none. */
    private static ObjectReader reader(String path) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        FunctionInvoker invoker = FunctionRecorder.registry == null ? null : FunctionRecorder.registry.matchInvoker(name);
        if (invoker == null || !invoker.hasInput()) {
            return null;
        }
        return (ObjectReader) invoker.getBindingContext().get(ObjectReader.class.getName());
    }

    /** Where the parser stopped (line and column), never what it read. */
    private static String where(IOException e) {
        JsonLocation at = e instanceof JsonProcessingException j ? j.getLocation() : null;
        return at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
    }
}
