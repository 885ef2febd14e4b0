package io.pgvault.faults;

import io.pgvault.testing.TestServices;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Stops and restarts the Azurite that scripts/services.sh started ({@code azurite-stop} / {@code azurite-start}:
 * a graceful stop that keeps its data, and a start on the same port with the same data dir).
 */
final class Azurite {

    private Azurite() {
    }

    static void stop() {
        services("azurite-stop");
    }

    static void start() {
        services("azurite-start");
    }

    private static void services(String command) {
        Path script = Path.of("scripts/services.sh").toAbsolutePath();
        try {
            Process p = new ProcessBuilder("bash", script.toString(), command, TestServices.env("PGVAULT_RUN_DIR"))
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(90, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("services.sh " + command + " failed: " + out);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
