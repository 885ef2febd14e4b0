package io.pgvault.fleet;

import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code GET /api/fleet}: the fleet status page — one constant HTML file (no build toolchain) whose script fetches
 * {@code /api/servers} with the function key it was opened with ({@code ?code=…}, as Azure Functions takes it) and
 * shows every server with a state badge, failures first. It holds no data itself, so it needs no key to load.
 */
@ApplicationScoped
public class StatusPage {

    static final String RESOURCE = "/io/pgvault/fleet/status.html";

    private final byte[] html = load();

    void routes(@Observes Router router) {
        // relative to quarkus.http.root-path (/api), like the functions
        router.get("/fleet").order(-1000).handler(rc -> rc.response()
                .putHeader("Content-Type", "text/html; charset=utf-8")
                .putHeader("Cache-Control", "no-store")
                .putHeader("Content-Security-Policy", "default-src 'none'; script-src 'unsafe-inline'; "
                        + "style-src 'unsafe-inline'; connect-src 'self'; img-src 'none'")
                .putHeader("X-Content-Type-Options", "nosniff")
                .end(io.vertx.core.buffer.Buffer.buffer(html)));
    }

    private static byte[] load() {
        try (InputStream in = StatusPage.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the build");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
