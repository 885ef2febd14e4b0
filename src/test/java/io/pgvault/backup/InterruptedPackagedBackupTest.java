package io.pgvault.backup;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link KilledBackupFlow} with the process an operator runs: {@code bin/pgvault backup} (the packaged
 * runner jar; the script execs java, so its pid is the JVM's) is killed with {@code kill -9} mid-dump. It needs
 * the packaged jar, which {@code mvn test} has not built yet, so it is tagged {@code packaged} and {@code slow}
 * (excluded by default). Run it after packaging:
 * <pre>
 * ./mvnw -DskipTests package
 * ./mvnw test -DexcludedTestGroups= -Dgroups=packaged -Dtest=InterruptedPackagedBackupTest
 * </pre>
 */
@QuarkusTest
@Tag("slow")
@Tag("packaged")
class InterruptedPackagedBackupTest extends KilledBackupFlow {

    static final Path ROOT = Path.of("").toAbsolutePath();

    @BeforeAll
    static void packaged() throws IOException {
        try (Stream<Path> s = Files.list(ROOT.resolve("target"))) {
            assertTrue(s.anyMatch(p -> p.getFileName().toString().matches("pgvault-.*-runner\\.jar")),
                    "run ./mvnw -DskipTests package first: this test runs the packaged bin/pgvault");
        }
    }

    @Override
    ProcessBuilder backupCommand() {
        return new ProcessBuilder(ROOT.resolve("bin/pgvault").toString(), "backup");
    }
}
