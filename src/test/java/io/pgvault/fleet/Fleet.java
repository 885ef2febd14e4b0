package io.pgvault.fleet;

import io.pgvault.matrix.Placement;
import io.pgvault.testing.TestServices;

import java.time.DayOfWeek;

/** Registry entries of the local real servers the fleet tests use (clusters started by scripts/services.sh). */
final class Fleet {

    /** The main test cluster, registered under its own fleet name. */
    static final String A = "fleet-a";
    /** The second cluster (the restore-target one): a different real server. */
    static final String B = "fleet-b";
    /** A real streaming standby of the main cluster: the matrix refuses replicas. */
    static final String REPLICA = "fleet-replica";
    /** A port nothing listens on. */
    static final String DOWN = "fleet-down";

    private Fleet() {
    }

    static ServerEntry entry(String name, int port) {
        return new ServerEntry(name, "127.0.0.1", port, "postgres", "postgres", AuthMode.PASSWORD,
                "env:PGVAULT_PG_PASSWORD", "disable", Placement.unknown(),
                new BackupPolicy(DayOfWeek.SUNDAY, 2, 13, 0, 0, "zstd", 1), ProtectionState.PROTECTED, false);
    }

    static ServerEntry a() {
        return entry(A, TestServices.pgPort());
    }

    static ServerEntry b() {
        return entry(B, TestServices.targetPgPort());
    }

    static ServerEntry withCompression(ServerEntry e, String compression) {
        BackupPolicy p = e.policy();
        return new ServerEntry(e.name(), e.host(), e.port(), e.database(), e.user(), e.auth(), e.passwordRef(),
                e.sslmode(), e.placement(), new BackupPolicy(p.dayOfWeek(), p.hourUtc(), p.weeklyWeeks(),
                        p.monthlyMonths(), p.yearlyYears(), compression, p.parallelism()), e.state(), false);
    }

    static ServerEntry withPasswordRef(ServerEntry e, String ref) {
        return new ServerEntry(e.name(), e.host(), e.port(), e.database(), e.user(), AuthMode.PASSWORD, ref,
                e.sslmode(), e.placement(), e.policy(), e.state(), false);
    }
}
