package io.pgvault.backup;

import io.pgvault.testing.BackupProcess;
import io.quarkus.test.junit.QuarkusTest;

import java.nio.file.Path;

/**
 * {@link KilledBackupFlow} with the backup in a JVM of its own: {@link BackupProcess}, the app's BackupService
 * wired by hand (the packaged jar {@code bin/pgvault} runs is not built yet in Maven's test phase; the same
 * flow against {@code bin/pgvault} is {@link InterruptedPackagedBackupTest}).
 */
@QuarkusTest
class InterruptedBackupTest extends KilledBackupFlow {

    @Override
    ProcessBuilder backupCommand() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), BackupProcess.class.getName());
    }
}
