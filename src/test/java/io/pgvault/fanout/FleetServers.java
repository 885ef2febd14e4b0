package io.pgvault.fanout;

import io.pgvault.fleet.AuthMode;
import io.pgvault.fleet.BackupPolicy;
import io.pgvault.fleet.ProtectionState;
import io.pgvault.fleet.ServerEntry;
import io.pgvault.matrix.Placement;
import io.pgvault.testing.TestServices;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Real PostgreSQL servers for the fan-out tests: extra clusters started by {@code scripts/services.sh cluster NAME}
 * (idempotent, on loopback), each with a small database of its own, registered as fleet entries with
 * {@code env:PGVAULT_PG_PASSWORD} (the local clusters' password), never the password itself.
 */
final class FleetServers {

    private static final Map<String, Integer> PORTS = new ConcurrentHashMap<>();

    private FleetServers() {
    }

    /** Port of cluster {@code name}, started (with database {@code app} of a few hundred rows) on first use. */
    static synchronized int port(String name) {
        return PORTS.computeIfAbsent(name, n -> {
            Path runDir = Path.of(TestServices.env("PGVAULT_RUN_DIR"));
            var run = TestServices.run(TestServices.pgPort(), null, Map.of(), "bash",
                    Path.of("scripts/services.sh").toAbsolutePath().toString(), "cluster", runDir.toString(), n);
            if (run.exit() != 0) {
                throw new IllegalStateException("scripts/services.sh cluster " + n + " failed: " + run.stderr());
            }
            String[] lines = run.stdout().strip().split("\n");
            int port = Integer.parseInt(lines[lines.length - 1].strip());
            TestServices.sqlOn(port, "postgres", "DROP DATABASE IF EXISTS app WITH (FORCE)", "CREATE DATABASE app");
            TestServices.sqlOn(port, "app", "CREATE TABLE t (id int PRIMARY KEY, note text)",
                    "INSERT INTO t SELECT g, md5(g::text) FROM generate_series(1, 500) g");
            return port;
        });
    }

    /** A port nothing listens on: an unreachable server. */
    static int deadPort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static ServerEntry entry(String name, int port, DayOfWeek day, int hour, ProtectionState state) {
        return new ServerEntry(name, "127.0.0.1", port, "postgres", "postgres", AuthMode.PASSWORD,
                "env:PGVAULT_PG_PASSWORD", "disable", Placement.unknown(),
                new BackupPolicy(day, hour, 13, 0, 0, "zstd", 1), state, false);
    }
}
