package io.pgvault.backup;

import io.pgvault.faults.ChildJvmMain;
import io.quarkus.test.junit.QuarkusTest;

import java.util.List;

/**
 * {@link KilledBackupFlow} with the backup in a JVM of its own running the real application: {@code bin/pgvault
 * backup} — PgvaultMain and its picocli command on the CDI-wired services, configured from PGVAULT_* like the
 * packaged CLI — booted from the test classpath by {@link ChildJvmMain} (the packaged jar {@code bin/pgvault}
 * runs is not built yet in Maven's test phase; the same flow against {@code bin/pgvault} itself is
 * {@link InterruptedPackagedBackupTest}).
 */
@QuarkusTest
class InterruptedBackupTest extends KilledBackupFlow {

    @Override
    ProcessBuilder backupCommand() {
        return new ProcessBuilder(ChildJvmMain.command(List.of("backup")));
    }
}
