package io.pgvault.drill;

import io.pgvault.backup.BackupService;
import io.pgvault.jobs.JobRecord;
import io.pgvault.jobs.JobState;
import io.pgvault.jobs.JobStore;
import io.pgvault.matrix.BackupType;
import io.pgvault.retention.RetentionService;
import io.pgvault.testing.Cli;
import io.pgvault.testing.TestServices;
import io.pgvault.vault.Manifest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A drill server that is the backed-up server itself, reached under another host name ({@code localhost} where
 * the backups use {@code 127.0.0.1}): the drill is refused on the server's system identifier, nothing on it is
 * touched, and the refusal is a Refused job — a configuration error, not a failed drill, so it does not block
 * retention.
 */
@QuarkusTest
@TestProfile(DrillSourceRefusedTest.DrillServerIsTheSource.class)
class DrillSourceRefusedTest {

    /** The drill server is the source, by another name. */
    public static class DrillServerIsTheSource implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pgvault.drill.server.host", "localhost",
                    "pgvault.drill.server.port", TestServices.env("PGVAULT_PG_PORT"),
                    "pgvault.drill.server.user", "postgres", "pgvault.drill.server.sslmode", "disable",
                    "pgvault.drill.server.auth", "password", "pgvault.drill.server.password-ref", "env:PGVAULT_PG_PASSWORD",
                    "pgvault.restore.private-server-hosts", "localhost");
        }
    }

    static final String SERVER = "test-pg";
    static final String DB = "drill_source_only";

    @Inject
    BackupService backups;

    @Inject
    DrillService drills;

    @Inject
    JobStore jobs;

    @Inject
    RetentionService retention;

    @Inject
    CommandLine.IFactory factory;

    @AfterAll
    static void drop() {
        TestServices.sql("postgres", "DROP DATABASE IF EXISTS " + DB + " WITH (FORCE)");
    }

    @Test
    void aDrillServerThatIsTheSourceIsRefusedAndNothingIsTouched() throws Exception {
        TestServices.resetVault();
        TestServices.recreateDatabase(DB);
        TestServices.sql(DB, "CREATE TABLE t (v int)", "INSERT INTO t VALUES (1), (2)");
        Manifest m = backups.backup(BackupType.FULL).manifest();
        TestServices.sql(DB, "INSERT INTO t VALUES (3)"); // a restore over it would bring back two rows

        DrillReport r = drills.drill(SERVER).get(0);
        String text = DrillText.render(r);
        assertFalse(r.passed(), text);
        assertTrue(r.error() != null && r.error().contains("system_identifier"), text);
        assertTrue(r.databases().stream().noneMatch(DrillReport.Database::created), text);
        JobRecord job = jobs.get(SERVER, r.jobId());
        assertEquals(JobState.REFUSED, job.state(), job.toString());
        assertEquals("restore-target", job.error().code(), job.error().message());
        try (Connection c = TestServices.connect(TestServices.pgPort(), DB); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*), shobj_description((SELECT oid FROM pg_database "
                        + "WHERE datname = current_database()), 'pg_database') FROM t")) {
            rs.next();
            assertEquals(3, rs.getLong(1), "the source's data is untouched");
            assertNull(rs.getString(2), "no drill marker was put on the source's database");
        }
        assertNull(retention.plan(SERVER).blockedBy(), "a refused drill is not a failed one: " + m.backupId());

        // the same through bin/pgvault: drill exits 1 (refused, not a damaged backup), drills lists both
        Cli.Result cli = Cli.run(factory, "drill", "--server", SERVER);
        assertEquals(1, cli.exit(), cli.out() + cli.err());
        assertTrue(cli.out().contains("of server test-pg: FAILED") && cli.out().contains("system_identifier"), cli.out());
        Cli.Result history = Cli.run(factory, "drills", "--server", SERVER);
        assertEquals(0, history.exit(), history.err());
        assertEquals(2, history.out().lines().filter(l -> l.startsWith("drill-") && l.contains(" FAILED ")).count(),
                history.out());
        // --json: the API's records (GET /api/drills), parsed
        Cli.Result json = Cli.run(factory, "drills", "--server", SERVER, "--json");
        assertEquals(0, json.exit(), json.err());
        var tree = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.out());
        assertEquals(2, tree.size(), json.out());
        for (var drill : tree) {
            assertEquals(SERVER, drill.get("server").asText());
            assertFalse(drill.get("passed").asBoolean(), json.out());
            assertTrue(drill.get("error").asText().contains("system_identifier"), json.out());
        }
    }
}
