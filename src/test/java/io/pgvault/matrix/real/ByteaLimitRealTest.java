package io.pgvault.matrix.real;

import io.pgvault.backup.BackupService;
import io.pgvault.errors.MatrixRefusedException;
import io.pgvault.jobs.JobStore;
import io.pgvault.matrix.BackupType;
import io.pgvault.matrix.Violation;
import io.pgvault.testing.TestServices;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rule {@code bytea-limit} on real values: with {@code pgvault.matrix.max-bytea-bytes} lowered to 1 MiB, real
 * values one byte over it — in a bytea column, in a column of a domain over bytea, and of a domain over that
 * domain — refuse the backup, each violation naming database.schema.table.column and the exact size; a value of
 * exactly the limit, and an oversized value in a database the matrix excludes, do not.
 * The true 500 MB limit: {@link Bytea500MbRealTest}.
 */
@QuarkusTest
@TestProfile(ByteaLimitRealTest.OneMiB.class)
class ByteaLimitRealTest {

    static final long LIMIT = 1024 * 1024;

    /** The bytea limit lowered to 1 MiB. */
    public static class OneMiB implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pgvault.matrix.max-bytea-bytes", Long.toString(LIMIT));
        }
    }

    @Inject
    BackupService backups;

    @Inject
    JobStore jobs;

    @BeforeEach
    void fixtures() {
        TestServices.resetVault();
        Real.ensureRole("azure_pg_admin");
        Real.dropDatabases("bytea_app", "bytea_excluded");
        TestServices.sql("postgres", "CREATE DATABASE bytea_app", "CREATE DATABASE bytea_excluded OWNER azure_pg_admin");
        TestServices.sql("bytea_app",
                "CREATE SCHEMA media",
                "CREATE DOMAIN media.blob AS bytea",
                "CREATE DOMAIN media.small_blob AS media.blob CHECK (octet_length(VALUE) < 100000000)",
                "CREATE TABLE media.files (id int PRIMARY KEY, data bytea, att media.blob, thumb media.small_blob, exact bytea)",
                "INSERT INTO media.files VALUES (1, " + Real.byteaOf(LIMIT + 1) + ", " + Real.byteaOf(10) + ", "
                        + Real.byteaOf(10) + ", " + Real.byteaOf(LIMIT) + ")",
                "INSERT INTO media.files VALUES (2, " + Real.byteaOf(10) + ", " + Real.byteaOf(LIMIT + 7) + ", "
                        + Real.byteaOf(2 * LIMIT) + ", NULL)");
        TestServices.sql("bytea_excluded", "CREATE TABLE big (b bytea)", "INSERT INTO big VALUES (" + Real.byteaOf(3 * LIMIT) + ")");
    }

    @AfterEach
    void cleanup() {
        Real.dropDatabases("bytea_app", "bytea_excluded");
    }

    @Test
    void valuesJustOverTheLoweredLimitRefuseTheBackupNamingEachColumnAndSize() {
        MatrixRefusedException e = assertThrows(MatrixRefusedException.class, () -> backups.backup(BackupType.FULL));

        Real.assertRefusedWithNothingWritten(e, jobs, "bytea-limit");
        List<Violation> bytea = e.verdict().violationsOf("bytea-limit");
        assertEquals(List.of("column bytea_app.media.files.att", "column bytea_app.media.files.data",
                        "column bytea_app.media.files.thumb"),
                bytea.stream().map(v -> v.problem().substring(0, v.problem().indexOf(" holds"))).toList(),
                "one violation per oversized column, the domain columns included; not 'exact', not the excluded db");
        assertTrue(bytea.get(0).evidence().contains("(" + (LIMIT + 7) + " bytes)"), bytea.get(0).evidence());
        assertTrue(bytea.get(1).evidence().contains("(" + (LIMIT + 1) + " bytes)"), bytea.get(1).evidence());
        assertTrue(bytea.get(2).evidence().contains("(" + (2 * LIMIT) + " bytes)"), bytea.get(2).evidence());
        assertTrue(bytea.get(1).evidence().contains("limit 1.0 MiB (" + LIMIT + " bytes)"), bytea.get(1).evidence());
        assertTrue(bytea.get(1).hint().contains("octet_length(\"data\") FROM \"media\".\"files\""), bytea.get(1).hint());
        assertTrue(e.render().contains("bytea_app.media.files.data"), "the user-facing message names the column");
    }
}
