package io.pgvault.drill;

import io.pgvault.backup.BackupService;
import io.pgvault.jobs.JobKind;
import io.pgvault.jobs.JobRecord;
import io.pgvault.jobs.JobState;
import io.pgvault.jobs.JobStore;
import io.pgvault.matrix.BackupType;
import io.pgvault.retention.RetentionService;
import io.pgvault.testing.LogCapture;
import io.pgvault.testing.TestClock;
import io.pgvault.testing.TestServices;
import io.pgvault.vault.BackupLayout;
import io.pgvault.vault.Manifest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Restore drills on real parts: backups of the test PostgreSQL in Azurite, drilled into the second PostgreSQL 15
 * cluster of scripts/services.sh (the drill server, logged in to by password reference {@code env:}; nothing is
 * mocked). A good backup passes and leaves no database behind; a backup whose file was altered in the vault fails
 * naming the file and blocks retention; a table that really restores with fewer rows than the backup counted fails
 * naming the table.
 */
@QuarkusTest
@TestProfile(DrillTest.DrillServerProfile.class)
class DrillTest {

    /** The second cluster as drill server; weekly 1 and no prune after a backup, so retention would delete the older one. */
    public static class DrillServerProfile implements QuarkusTestProfile {
        @Override
        public Set<Class<?>> getEnabledAlternatives() {
            return Set.of(TestClock.class);
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> m = new java.util.HashMap<>(Map.of("pgvault.drill.server.host", "127.0.0.1",
                    "pgvault.drill.server.port", TestServices.env("PGVAULT_TARGET_PG_PORT"),
                    "pgvault.drill.server.user", "postgres", "pgvault.drill.server.sslmode", "disable",
                    "pgvault.drill.server.auth", "password", "pgvault.drill.server.password-ref", "env:PGVAULT_PG_PASSWORD",
                    "pgvault.restore.private-server-hosts", "127.0.0.1"));
            m.putAll(Map.of("pgvault.retention.weekly-weeks", "1", "pgvault.retention.monthly-months", "0",
                    "pgvault.retention.yearly-years", "0", "pgvault.retention.prune-after-backup", "false"));
            return m;
        }
    }

    static final String SERVER = "test-pg";
    static final String SHOP = "drill_shop";
    static final String ODD = "drill it's \"ü\" -h";
    static final String ODD_TABLE = "Ünï \"q\"";

    @Inject
    BackupService backups;

    @Inject
    DrillService drills;

    @Inject
    JobStore jobs;

    @Inject
    RetentionService retention;

    @Inject
    TestClock clock;

    @BeforeEach
    void fixtures() {
        TestServices.resetVault();
        dropOnDrillServer();
        TestServices.recreateDatabase(SHOP);
        TestServices.recreateDatabase(ODD);
        TestServices.sql(SHOP,
                "CREATE TABLE orders (id serial PRIMARY KEY, note text)",
                "INSERT INTO orders (note) SELECT 'order ' || g FROM generate_series(1, 1000) g",
                "CREATE TABLE " + TestServices.ident(ODD_TABLE) + " (x int)",
                "INSERT INTO " + TestServices.ident(ODD_TABLE) + " VALUES (1), (2), (3)",
                "CREATE TABLE events (at date, v int) PARTITION BY RANGE (at)",
                "CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')",
                "INSERT INTO events SELECT '2026-03-01', g FROM generate_series(1, 40) g",
                "CREATE SEQUENCE invoice_no START 500", "SELECT nextval('invoice_no')",
                "SELECT lo_from_bytea(0, 'a large object')");
        TestServices.sql(ODD, "CREATE TABLE t (v text)", "INSERT INTO t VALUES ('ü')");
    }

    @AfterEach
    void cleanUp() {
        clock.reset();
        DrillFixtures.restoreTemplate0(drillPort());
        dropOnDrillServer();
        // and from the shared source: later tests back up whatever databases it has
        for (String db : List.of(SHOP, ODD)) {
            TestServices.sql("postgres", "DROP DATABASE IF EXISTS " + TestServices.ident(db) + " WITH (FORCE)");
        }
    }

    static int drillPort() {
        return TestServices.targetPgPort();
    }

    /**
     * Drops from the drill server every database the source has (but its postgres): other tests restore the
     * source's databases into the same second cluster, and a drill refuses (FailIfExists) to restore over them.
     */
    static void dropOnDrillServer() {
        List<String> source = new ArrayList<>(List.of(SHOP, ODD));
        try (Connection c = TestServices.connect(TestServices.pgPort(), "postgres"); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT datname FROM pg_database WHERE datname NOT IN "
                        + "('postgres', 'template0', 'template1')")) {
            while (rs.next()) {
                source.add(rs.getString(1));
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        for (String db : source) {
            TestServices.sqlOn(drillPort(), "postgres", "DROP DATABASE IF EXISTS " + TestServices.ident(db) + " WITH (FORCE)");
        }
    }

    /** The drill server's databases other than its own. */
    static List<String> drillServerDatabases() throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = TestServices.connect(drillPort(), "postgres"); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT datname FROM pg_database WHERE datname NOT IN "
                        + "('postgres', 'template0', 'template1') ORDER BY 1")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    static DrillReport.Check check(DrillReport r, String name) {
        return r.checks().stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no check " + name + " in\n" + DrillText.render(r)));
    }

    @Test
    void aGoodBackupPassesEveryCheckAndLeavesNoDatabaseBehind() throws Exception {
        // The drill restores under names of its own: the source's postgres (holding a table) never lands in the
        // drill server's postgres, and a database of the drill server named like the source's is never touched.
        TestServices.sql("postgres", "DROP TABLE IF EXISTS drill_probe", "CREATE TABLE drill_probe (x int)",
                "INSERT INTO drill_probe VALUES (1)");
        TestServices.sqlOn(drillPort(), "postgres", "CREATE DATABASE " + TestServices.ident(SHOP));
        TestServices.sqlOn(drillPort(), SHOP, "CREATE TABLE drill_server_own (x int)", "INSERT INTO drill_server_own VALUES (7)");
        Manifest m;
        try {
            m = backups.backup(BackupType.FULL).manifest();
        } finally {
            TestServices.sql("postgres", "DROP TABLE IF EXISTS drill_probe");
        }
        Manifest.File shop = m.databaseFiles().stream().filter(f -> f.database().equals(SHOP)).findFirst().orElseThrow();
        assertNotNull(shop.tables(), "the backup recorded the census: " + shop);
        List<String> before = drillServerDatabases();

        DrillReport r;
        String events;
        try (LogCapture capture = new LogCapture(java.util.logging.Level.INFO, "io.pgvault.events")) {
            r = drills.drill(SERVER).get(0);
            events = capture.text();
        }
        String text = DrillText.render(r);
        assertTrue(r.passed(), text);
        assertTrue(events.contains("pgvault.job {\"event\":\"pgvault.job\",\"server\":\"test-pg\",\"kind\":\"drill\","
                + "\"state\":\"Succeeded\",\"jobId\":\"" + r.jobId() + "\""), "the drill's job event: " + events);
        assertEquals(m.backupId(), r.backupId());
        assertEquals("1000 restored, the backup counted 1000", check(r, "rows of \"drill_shop\".public.orders").detail(), text);
        assertEquals(DrillReport.Outcome.PASSED, check(r, "rows of \"drill_shop\".public." + ODD_TABLE).outcome(), text);
        assertEquals("40 restored, the backup counted 40", check(r, "rows of \"drill_shop\".public.events_2026").detail());
        assertEquals("1 restored, the dump holds 1", check(r, "large objects of \"drill_shop\"").detail(), text);
        assertTrue(check(r, "sequences of \"drill_shop\"").detail().startsWith("2 of 2 present"), text); // serial + invoice_no
        assertEquals(DrillReport.Outcome.PASSED, check(r, "rows of \"" + ODD + "\".public.t").outcome(), text);
        assertTrue(r.databases().stream().filter(d -> Set.of(SHOP, ODD).contains(d.name()))
                .allMatch(d -> d.created() && d.restored() && d.dropped()), text);
        assertEquals(before, drillServerDatabases(), "the drill left no database behind");
        assertTrue(before.contains(SHOP), before.toString());
        assertEquals("7", TestServices.queryOn(drillPort(), SHOP, "SELECT string_agg(x::text, ',') FROM drill_server_own"),
                "the drill server's own database of that name is untouched");
        assertEquals("0", TestServices.queryOn(drillPort(), "postgres",
                "SELECT count(*) FROM pg_class WHERE relname = 'drill_probe'"), "nothing restored into its postgres");

        JobRecord job = jobs.get(SERVER, r.jobId());
        assertEquals(JobKind.DRILL, job.kind());
        assertEquals(JobState.SUCCEEDED, job.state());
        List<String> listed = given().queryParam("server", SERVER).when().get("/drills").then().statusCode(200)
                .extract().jsonPath().getList("jobId");
        assertEquals(List.of(r.jobId()), listed, "GET /api/drills lists the drill");
        DrillReport again = drills.drill(SERVER).get(0);
        assertTrue(again.passed(), "a second drill of the same backup passes too:\n" + DrillText.render(again));
        assertEquals(before, drillServerDatabases());
        System.out.println("--- drill report of a real run ---\n" + text);
    }

    @Test
    void aBackupWhoseFileWasAlteredInTheVaultFailsNamesTheFileAndBlocksPruning() throws Exception {
        clock.set(Instant.parse("2026-03-01T02:00:00Z"));
        Manifest older = backups.backup(BackupType.FULL).manifest();
        clock.set(Instant.parse("2026-03-08T02:00:00Z"));
        Manifest newest = backups.backup(BackupType.FULL).manifest();
        assertEquals(List.of(newest.backupId(), older.backupId()), retention.plan(SERVER).backups().stream()
                .map(RetentionService.Decision::backupId).toList());
        assertTrue(retention.plan(SERVER).backups().get(1).delete(), "weekly 1: the rules would delete the older one");
        String path = newest.databaseFiles().stream().filter(f -> f.database().equals(SHOP)).findFirst().orElseThrow().path();
        DrillFixtures.flipByteInTheMiddle(BackupLayout.backupPrefix(SERVER, newest.backupId()) + path);

        DrillReport r = drills.drill(SERVER).get(0);
        String text = DrillText.render(r);
        assertFalse(r.passed(), text);
        DrillReport.Check restore = check(r, "restore of \"drill_shop\"");
        assertEquals(DrillReport.Outcome.FAILED, restore.outcome(), text);
        assertTrue(restore.detail().contains(path), "the failure names the file " + path + ": " + text);
        JobRecord job = jobs.get(SERVER, r.jobId());
        assertEquals(JobState.FAILED, job.state());
        assertTrue(job.error().message().contains("restore of \"drill_shop\""), job.error().message());
        assertFalse(drillServerDatabases().contains(SHOP), "the drill dropped what it created: " + drillServerDatabases());

        RetentionService.Plan plan = retention.plan(SERVER);
        assertTrue(plan.blockedBy().startsWith("the newest backup " + newest.backupId() + " failed its restore drill ("
                + r.jobId()), plan.blockedBy());
        assertFalse(plan.backups().get(1).delete(), "nothing is pruned after a failed drill: " + plan.backups().get(1));
        assertTrue(retention.prune(SERVER, false).deleted().isEmpty());
    }

    @Test
    void aTableThatRestoresWithFewerRowsThanTheBackupCountedFailsNamingIt() throws Exception {
        backups.backup(BackupType.FULL);
        // For real, on the drill server: its template0 (every restored database is created from it) gets an event
        // trigger that puts a BEFORE INSERT trigger on each new table named "orders", discarding every tenth row
        // pg_restore's COPY sends. The dump and the manifest are untouched.
        DrillFixtures.sabotageTemplate0(drillPort());

        DrillReport r = drills.drill(SERVER).get(0);
        String text = DrillText.render(r);
        assertFalse(r.passed(), text);
        DrillReport.Check orders = check(r, "rows of \"drill_shop\".public.orders");
        assertEquals(DrillReport.Outcome.FAILED, orders.outcome(), text);
        assertEquals("900 restored, the backup counted 1000", orders.detail(), text);
        assertEquals(DrillReport.Outcome.PASSED, check(r, "restore of \"drill_shop\"").outcome(), "pg_restore saw no error: " + text);
        assertEquals(DrillReport.Outcome.PASSED, check(r, "rows of \"drill_shop\".public.events_2026").outcome(), text);
        assertEquals(List.of("rows of \"drill_shop\".public.orders"), r.failures().stream().map(DrillReport.Check::name).toList());
        JobRecord job = jobs.get(SERVER, r.jobId());
        assertEquals(JobState.FAILED, job.state());
        assertEquals("integrity", job.error().code());
        assertTrue(job.error().message().contains("rows of \"drill_shop\".public.orders: 900 restored, the backup counted 1000"),
                job.error().message());
        assertFalse(drillServerDatabases().contains(SHOP));
        System.out.println("--- drill report of a sabotaged restore ---\n" + text);
    }
}
