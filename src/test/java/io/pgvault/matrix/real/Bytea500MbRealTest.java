package io.pgvault.matrix.real;

import io.pgvault.backup.BackupService;
import io.pgvault.errors.MatrixRefusedException;
import io.pgvault.jobs.JobStore;
import io.pgvault.matrix.BackupType;
import io.pgvault.matrix.Violation;
import io.pgvault.testing.TestServices;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rule {@code bytea-limit} at the TRUE limit (500 MiB, the default of {@code pgvault.matrix.max-bytea-bytes}): a real
 * 512 MiB bytea value, built inside the server by doubling a 1 MiB value nine times ({@code b || b}), refuses the
 * backup. Tagged {@code slow} (building the value writes and compresses half a gigabyte), so the default build
 * leaves it out; run it with:
 * <pre>
 * ./mvnw test -DexcludedTestGroups= -Dtest=Bytea500MbRealTest
 * </pre>
 */
@QuarkusTest
@Tag("slow")
class Bytea500MbRealTest {

    private static final Logger LOG = Logger.getLogger(Bytea500MbRealTest.class);
    static final long MATRIX_LIMIT = 524_288_000L;
    static final long VALUE = 512L * 1024 * 1024;

    @Inject
    BackupService backups;

    @Inject
    JobStore jobs;

    @BeforeEach
    void fixtures() {
        TestServices.resetVault();
        TestServices.recreateDatabase("bytea_huge");
        Instant t0 = Instant.now();
        TestServices.sql("bytea_huge", "CREATE TABLE public.scans (id int PRIMARY KEY, b bytea)",
                "INSERT INTO scans VALUES (1, " + Real.byteaOf(1024 * 1024) + ")");
        for (int i = 0; i < 9; i++) {
            TestServices.sql("bytea_huge", "UPDATE scans SET b = b || b WHERE id = 1");
        }
        LOG.infof("built a %d-byte bytea value in the server in %d ms", VALUE, Duration.between(t0, Instant.now()).toMillis());
    }

    @AfterEach
    void cleanup() {
        Real.dropDatabases("bytea_huge");
    }

    @Test
    void aRealValueOverFiveHundredMegabytesRefusesTheBackup() throws Exception {
        try (var c = TestServices.connect(TestServices.pgPort(), "bytea_huge"); var st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT octet_length(b) FROM scans WHERE id = 1")) {
            rs.next();
            assertEquals(VALUE, rs.getLong(1), "the server really holds a 512 MiB value");
        }
        Instant t0 = Instant.now();
        MatrixRefusedException e = assertThrows(MatrixRefusedException.class, () -> backups.backup(BackupType.FULL));
        LOG.infof("inspected and refused in %d ms", Duration.between(t0, Instant.now()).toMillis());

        Real.assertRefusedWithNothingWritten(e, jobs, "bytea-limit");
        List<Violation> bytea = e.verdict().violationsOf("bytea-limit");
        assertEquals(1, bytea.size(), bytea.toString());
        assertTrue(bytea.get(0).problem().startsWith("column bytea_huge.public.scans.b holds a bytea value larger than 500.0 MiB"),
                bytea.get(0).problem());
        assertTrue(bytea.get(0).evidence().contains("512.0 MiB (" + VALUE + " bytes); limit 500.0 MiB (" + MATRIX_LIMIT + " bytes)"),
                bytea.get(0).evidence());
    }
}
