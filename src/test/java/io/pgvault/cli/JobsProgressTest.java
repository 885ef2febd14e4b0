package io.pgvault.cli;

import io.pgvault.backup.BackupService;
import io.pgvault.matrix.BackupType;
import io.pgvault.matrix.Units;
import io.pgvault.testing.Cli;
import io.pgvault.testing.TestServices;
import io.pgvault.vault.Manifest;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code bin/pgvault jobs} and {@code GET /api/jobs} after a real backup: each database's size in human units (a rate
 * only where it means something) in the table, exact bytes and MB/s in the API.
 */
@QuarkusTest
class JobsProgressTest {

    @Inject
    BackupService backups;

    @Inject
    CommandLine.IFactory factory;

    @Test
    void theJobListShowsBytesAndThroughputOfEachDatabase() {
        TestServices.resetVault();
        TestServices.recreateDatabase("jobs_progress");
        TestServices.sql("jobs_progress", "CREATE TABLE t (id int, v text)",
                "INSERT INTO t SELECT g, md5(g::text) || md5((g * 7)::text) FROM generate_series(1, 200000) g");
        Manifest m = backups.backup(BackupType.FULL).manifest();
        String jobId = "backup-" + m.backupId();

        Cli.Result jobsRun = Cli.run(factory, "jobs");
        assertEquals(0, jobsRun.exit(), jobsRun.err());
        String out = jobsRun.out();
        assertTrue(out.lines().anyMatch(l -> l.startsWith(jobId) && l.contains("Succeeded") && l.contains(m.backupId())
                && l.contains(" " + Units.bytes(m.totalBytes()) + " ")), out);
        for (Manifest.File f : m.databaseFiles()) {
            Matcher line = Pattern.compile("(?m)^    " + Pattern.quote(f.database())
                    + " +Succeeded +([0-9.]+ [KMGT]?i?B)(?:  ([0-9.]+ [KMG]iB)/s)?$").matcher(out);
            assertTrue(line.find(), "a progress line for " + f.database() + ":\n" + out);
            assertEquals(Units.bytes(f.bytes()), line.group(1), f.database());
            if (f.bytes() < (1 << 20)) {
                assertEquals(null, line.group(2), "no rate for a dump under 1 MiB: " + line.group());
            }
        }
        List<Map<String, Object>> progress = given().queryParam("server", "test-pg").when().get("/jobs").then()
                .statusCode(200).extract().jsonPath().getList("find { it.id == '" + jobId + "' }.progress");
        Map<String, Object> big = progress.stream().filter(p -> "jobs_progress".equals(p.get("name"))).findFirst().orElseThrow();
        assertEquals(m.databaseFiles().stream().filter(f -> f.database().equals("jobs_progress")).findFirst().orElseThrow().bytes(),
                ((Number) big.get("bytes")).longValue());
        assertTrue(((Number) big.get("mbPerSecond")).doubleValue() > 0);
        TestServices.sql("postgres", "DROP DATABASE IF EXISTS jobs_progress WITH (FORCE)");
    }
}
