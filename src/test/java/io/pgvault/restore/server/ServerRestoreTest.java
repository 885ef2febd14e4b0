package io.pgvault.restore.server;

import io.pgvault.backup.BackupService;
import io.pgvault.errors.ErrorKind;
import io.pgvault.fleet.AuthMode;
import io.pgvault.matrix.BackupType;
import io.pgvault.restore.RecoveryOption;
import io.pgvault.restore.server.ServerRestoreReport.DatabaseOutcome;
import io.pgvault.testing.Errors;
import io.pgvault.testing.TestServices;
import io.pgvault.vault.BackupLayout;
import io.pgvault.vault.Manifest;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

import static io.pgvault.testing.TestServices.ident;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The restore into a server ({@link ServerRestore}) against the real source cluster, Azurite and the second
 * (restore-target) cluster of scripts/services.sh. One real backup of the source holds: databases with hostile
 * names ({@code -h}, quotes, non-ASCII) owned by roles with grants and a membership; one using pgcrypto (installed
 * on both clusters); and one using {@code pgvault_src_only}, a tiny SQL extension whose control and script files
 * this test puts into the PostgreSQL install's extension directory, creates in the source, and deletes again
 * before the restore — both clusters share the Debian install, so deleting them is the honest way to make it exist
 * on the source only (the source keeps it in its catalog, the target cannot create it).
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServerRestoreTest {

    static final String SERVER = "test-pg";
    static final String EXTENSION = "pgvault_src_only";
    static final String EXT_DB = "sr extension missing";
    static final String CRYPTO_DB = "sr_pgcrypto";
    static final List<String> NAMED = List.of("-h", "sr it's a \"quoted\" name", "sr 日本語 ü ñ");
    static final List<String> ROLES = List.of("sr_owner", "sr rôle \"ö\"", "sr_reader");

    @Inject
    BackupService backups;

    @Inject
    ServerRestore restores;

    Manifest backup;

    @BeforeAll
    void oneBackupOfEverything() throws Exception {
        TestServices.resetVault();
        cleanUp();
        for (String r : ROLES) {
            TestServices.sql("postgres", "CREATE ROLE " + ident(r) + " LOGIN");
        }
        TestServices.sql("postgres", "GRANT " + ident(ROLES.get(2)) + " TO " + ident(ROLES.get(1)));
        for (int i = 0; i < NAMED.size(); i++) {
            String db = NAMED.get(i);
            String owner = ROLES.get(i % 2);
            TestServices.recreateDatabase(db);
            TestServices.sql("postgres", "ALTER DATABASE " + ident(db) + " OWNER TO " + ident(owner));
            TestServices.sql(db, "CREATE SCHEMA s AUTHORIZATION " + ident(owner),
                    "CREATE TABLE s.t (id int PRIMARY KEY, name text)",
                    "ALTER TABLE s.t OWNER TO " + ident(owner),
                    "INSERT INTO s.t SELECT g, " + literal(db) + " || g FROM generate_series(1, 500) g",
                    "CREATE SEQUENCE s.seq START 77", "SELECT nextval('s.seq')",
                    "GRANT USAGE ON SCHEMA s TO " + ident(ROLES.get(2)),
                    "GRANT SELECT ON s.t TO " + ident(ROLES.get(2)));
        }
        TestServices.recreateDatabase(CRYPTO_DB);
        TestServices.sql(CRYPTO_DB, "CREATE EXTENSION pgcrypto", "CREATE TABLE h (id int, d bytea)",
                "INSERT INTO h SELECT g, digest(g::text, 'sha256') FROM generate_series(1, 100) g",
                "CREATE VIEW hv AS SELECT id, encode(digest(d, 'md5'), 'hex') AS m FROM h");
        TestServices.recreateDatabase(EXT_DB);
        installSourceOnlyExtension();
        try {
            TestServices.sql(EXT_DB, "CREATE EXTENSION " + EXTENSION, "CREATE TABLE kept (id int PRIMARY KEY)",
                    "INSERT INTO kept SELECT generate_series(1, 10)");
            backup = backups.backup(BackupType.FULL).manifest();
        } finally {
            removeSourceOnlyExtension();
        }
        assertNotNull(backup.systemIdentifier(), "the backup records the source's system_identifier");
    }

    @BeforeEach
    void emptyTarget() {
        for (Manifest.DatabaseDump d : backup.databaseDumps()) {
            if (!d.database().equals("postgres")) {
                dropOnTarget(d.database());
            }
        }
    }

    @AfterAll
    void cleanUp() {
        for (String db : allDatabases()) {
            for (int port : new int[] {TestServices.pgPort(), TestServices.targetPgPort()}) {
                TestServices.sqlOn(port, "postgres", "DROP DATABASE IF EXISTS " + ident(db) + " WITH (FORCE)");
            }
        }
        for (int port : new int[] {TestServices.pgPort(), TestServices.targetPgPort()}) {
            for (String r : ROLES) {
                TestServices.sqlOn(port, "postgres", "DROP ROLE IF EXISTS " + ident(r));
            }
        }
    }

    /** Everything restored; every database but the one with the missing extension identical to its source. */
    @Test
    void restoresRolesAndEveryDatabaseAndReportsTheMissingExtension() throws Exception {
        ServerRestoreReport report = restores.restore(SERVER, backup, target("127.0.0.1"), RecoveryOption.FAIL_IF_EXISTS,
                null);

        assertEquals(backup.databaseDumps().size(), report.databases().size());
        assertEquals(List.of(), report.roleErrors(), "the roles script ran without errors");
        for (String db : sameAsSource()) {
            DatabaseOutcome o = outcome(report, db);
            assertTrue(o.ok(), db + ": " + o.errors());
            assertTrue(o.bytes() > 0, db + " was streamed from the vault");
            assertEquals(TestServices.plainDump(TestServices.pgPort(), db),
                    TestServices.plainDump(TestServices.targetPgPort(), db), "restored " + db + " differs from its source");
        }
        for (int i = 0; i < NAMED.size(); i++) {
            assertEquals(ROLES.get(i % 2), ownerOnTarget(NAMED.get(i)), "owner of " + NAMED.get(i));
            assertTrue(outcome(report, NAMED.get(i)).created());
        }
        assertTrue(memberOnTarget(ROLES.get(1), ROLES.get(2)), "role membership restored");

        DatabaseOutcome ext = outcome(report, EXT_DB);
        assertFalse(ext.ok(), "the extension the target lacks is reported");
        var named = ext.errors().stream().filter(e -> e.problem().contains(EXTENSION) || e.evidence().contains(EXTENSION))
                .findFirst().orElseThrow(() -> new AssertionError("no error names " + EXTENSION + ": " + ext.errors()));
        assertTrue(named.hint().contains("azure.extensions") && named.hint().contains(EXTENSION), named.render());
        assertEquals(10, count(EXT_DB, "kept"), "the rest of that database is still restored");
        assertFalse(report.ok());
    }

    /** A non-empty database of the backup's on the target: refused before anything is changed there. */
    @Test
    void aNonEmptyDatabaseOnTheTargetIsRefusedAndNothingIsTouched() throws Exception {
        String taken = NAMED.get(1);
        TestServices.sqlOn(TestServices.targetPgPort(), "postgres", "CREATE DATABASE " + ident(taken));
        TestServices.sqlOn(TestServices.targetPgPort(), taken, "CREATE TABLE mine (x int)", "INSERT INTO mine VALUES (7)");
        TestServices.sqlOn(TestServices.targetPgPort(), "postgres", "CREATE DATABASE " + ident(CRYPTO_DB)); // empty: fine

        var e = Errors.assertKind(ErrorKind.CONFLICT, () -> restores.restore(SERVER, backup, target("127.0.0.1"),
                RecoveryOption.FAIL_IF_EXISTS, null));
        assertTrue(e.evidence().contains(taken) && !e.evidence().contains(CRYPTO_DB), e.render());
        assertTrue(e.hint().contains("Overwrite"), e.render());
        assertEquals(1, count(taken, "mine"), "the existing database is untouched");
        assertFalse(existsOnTarget(NAMED.get(0)), "no other database was created");
        assertEquals(0, tablesOnTarget(CRYPTO_DB), "the empty database was not restored into");
    }

    /** Overwrite replaces a non-empty database (a row added on the target is gone) and restores it as the source. */
    @Test
    void overwriteReplacesTheExistingDatabases() throws Exception {
        String db = NAMED.get(0);
        TestServices.sqlOn(TestServices.targetPgPort(), "postgres", "CREATE DATABASE " + ident(db));
        TestServices.sqlOn(TestServices.targetPgPort(), db, "CREATE TABLE stray (x int)");

        ServerRestoreReport report = restores.restore(SERVER, backup, target("127.0.0.1"), RecoveryOption.OVERWRITE,
                "pgvault test marker");
        assertTrue(outcome(report, db).ok(), String.valueOf(outcome(report, db).errors()));
        assertEquals(TestServices.plainDump(TestServices.pgPort(), db), TestServices.plainDump(TestServices.targetPgPort(), db));

        // dropRestored drops what this restore created (marked), never a database it did not create
        TestServices.sqlOn(TestServices.targetPgPort(), "postgres", "CREATE DATABASE sr_not_ours");
        restores.dropRestored(target("127.0.0.1"), List.of(db, "sr_not_ours", "postgres"), "pgvault test marker");
        assertFalse(existsOnTarget(db), "the restored database was dropped");
        assertTrue(existsOnTarget("sr_not_ours"), "a database without the marker is never dropped");
        dropOnTarget("sr_not_ours");
    }

    /** The source itself, under another name: refused on its system_identifier, before anything is created. */
    @Test
    void theSourceUnderAnotherHostNameIsRefused() {
        for (String host : List.of("localhost", "127.0.0.1")) {
            PgTarget source = new PgTarget(host, TestServices.pgPort(), "postgres", "disable", AuthMode.PASSWORD,
                    "env:PGVAULT_PG_PASSWORD");
            var e = Errors.assertKind(ErrorKind.RESTORE_TARGET, () -> restores.restore(SERVER, backup, source,
                    RecoveryOption.OVERWRITE, null), host);
            assertTrue(e.problem().contains("source") && e.evidence().contains(backup.systemIdentifier()), e.render());
        }
        // a backup written before manifests recorded the identifier: the source (the settings server) is asked
        Manifest old = new Manifest(backup.formatVersion(), backup.server(), backup.backupId(), backup.isoWeek(),
                backup.type(), backup.startedAt(), backup.finishedAt(), backup.serverVersion(), backup.pgDumpVersion(),
                backup.compression(), backup.totalBytes(), backup.files(), backup.excludedDatabases(),
                backup.pgvaultVersion());
        var e = Errors.assertKind(ErrorKind.RESTORE_TARGET, () -> restores.restore(SERVER, old,
                new PgTarget("localhost", TestServices.pgPort(), "postgres", "disable", AuthMode.PASSWORD,
                        "env:PGVAULT_PG_PASSWORD"), RecoveryOption.OVERWRITE, null));
        assertTrue(e.problem().contains("source"), e.render());
        assertTrue(restores.check(SERVER, old, target("127.0.0.1"), RecoveryOption.FAIL_IF_EXISTS).nonEmpty().isEmpty(),
                "the other cluster is accepted");
    }

    /**
     * Bad targets are refused before any connection: a host outside the hosts pgvault sends credentials to, a
     * private/loopback/link-local address not listed in PGVAULT_RESTORE_PRIVATE_SERVER_HOSTS (the guard with this
     * test's lists: the app's lists allow 127.0.0.1 for the other tests), an inline password.
     */
    @Test
    void badTargetsAreRefusedBeforeAnyConnection() {
        var foreign = Errors.assertKind(ErrorKind.INVALID_REQUEST, () -> restores.restore(SERVER, backup,
                new PgTarget("127.0.0.2", TestServices.targetPgPort(), "postgres", "disable", AuthMode.PASSWORD,
                        "env:PGVAULT_PG_PASSWORD"), RecoveryOption.FAIL_IF_EXISTS, null));
        assertTrue(foreign.evidence().contains("PGVAULT_FLEET_ALLOWED_HOSTS"), foreign.render());
        ServerTargetGuard guard = new ServerTargetGuard(List.of("*.example", "127.0.0.2", "169.254.169.254", "10.1.2.3",
                "localhost", "::1"), List.of("127.0.0.2"));
        guard.check(new PgTarget("127.0.0.2", 5432, "u", "require", AuthMode.ENTRA, null)); // listed: allowed
        for (String internal : List.of("169.254.169.254", "10.1.2.3", "localhost", "::1")) {
            var priv = Errors.assertKind(ErrorKind.RESTORE_TARGET, () -> guard.check(
                    new PgTarget(internal, 5432, "u", "require", AuthMode.ENTRA, null)), internal);
            assertTrue(priv.hint().contains("PGVAULT_RESTORE_PRIVATE_SERVER_HOSTS"), priv.render());
        }
        String inline = "s3cr3t-Inline-Pw";
        var pw = Errors.assertKind(ErrorKind.INVALID_REQUEST, () -> restores.restore(SERVER, backup,
                new PgTarget("127.0.0.1", TestServices.targetPgPort(), "postgres", "disable", AuthMode.PASSWORD, inline),
                RecoveryOption.FAIL_IF_EXISTS, null));
        assertFalse(pw.render().contains(inline), "an inline password is never echoed");
    }

    /**
     * POST /api/restore with targetServer: 202 and the usual status URL; the job (kind restore) lists each
     * database, ends Failed naming the database whose extension is missing with the azure.extensions HINT, while
     * every other database is restored; the matrix's note is in the job. Both targets, or an inline password: 400.
     */
    @Test
    void theHttpPathRestoresInTheBackgroundAndReportsEachDatabase() throws Exception {
        Map<String, Object> server = Map.of("host", "127.0.0.1", "port", TestServices.targetPgPort(), "user", "postgres",
                "sslmode", "disable", "auth", "password", "passwordRef", "env:PGVAULT_PG_PASSWORD");
        Response r = post(Map.of("server", SERVER, "backupId", "latest", "targetServer", server));
        assertEquals(202, r.statusCode(), r.asString());
        String id = r.jsonPath().getString("restoreId");
        assertEquals("/api/restoreStatus?server=" + SERVER + "&id=" + id, r.jsonPath().getString("statusUrl"));
        JsonPath job = awaitEnd(id);
        assertEquals("restore", job.getString("kind"));
        assertEquals("Failed", job.getString("state"), job.prettify());
        String message = job.getString("error.message");
        assertTrue(message.contains(BackupLayout.printable(EXT_DB)) && message.contains("azure.extensions"), message);
        List<Map<String, Object>> items = job.getList("progress");
        assertEquals(backup.databaseDumps().size(), items.size(), job.prettify());
        for (Map<String, Object> item : items) {
            assertEquals(item.get("name").equals(EXT_DB) ? "Failed" : "Succeeded", item.get("state"), item.toString());
        }
        List<String> warnings = job.getList("warnings");
        assertTrue(warnings.stream().anyMatch(w -> w.contains(EXTENSION) && w.contains("HINT:")), warnings.toString());
        assertTrue(job.getList("violations").toString().contains("NOTE [restore-into-server]"), job.prettify());
        for (String db : sameAsSource()) {
            assertEquals(TestServices.plainDump(TestServices.pgPort(), db),
                    TestServices.plainDump(TestServices.targetPgPort(), db), "restored " + db + " differs from its source");
        }

        Response both = post(Map.of("server", SERVER, "targetServer", server, "targetContainerUrl",
                TestServices.targetUrl("sr-both")));
        assertEquals(400, both.statusCode(), both.asString());
        assertTrue(both.jsonPath().getString("message").contains("exactly one target"), both.asString());
        Map<String, Object> inline = new java.util.HashMap<>(server);
        inline.put("passwordRef", "Inline-Secret-42");
        Response pw = post(Map.of("server", SERVER, "targetServer", inline));
        assertEquals(400, pw.statusCode(), pw.asString());
        assertFalse(pw.asString().contains("Inline-Secret-42"), "an inline password is never echoed");
    }

    static Response post(Object body) {
        return given().contentType(ContentType.JSON).body(body).when().post("/restore");
    }

    static JsonPath awaitEnd(String id) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
        JsonPath s;
        do {
            Thread.sleep(200);
            s = given().queryParam("server", SERVER).queryParam("id", id).when().get("/restoreStatus").then()
                    .statusCode(200).extract().jsonPath();
        } while (List.of("Validating", "Running").contains(s.getString("state")) && Instant.now().isBefore(deadline));
        return s;
    }

    static PgTarget target(String host) {
        return new PgTarget(host, TestServices.targetPgPort(), "postgres", "disable", AuthMode.PASSWORD,
                "env:PGVAULT_PG_PASSWORD");
    }

    List<String> sameAsSource() {
        return backup.databaseDumps().stream().map(Manifest.DatabaseDump::database).filter(d -> !d.equals(EXT_DB)).toList();
    }

    static List<String> allDatabases() {
        List<String> all = new java.util.ArrayList<>(NAMED);
        all.add(CRYPTO_DB);
        all.add(EXT_DB);
        return all;
    }

    static DatabaseOutcome outcome(ServerRestoreReport r, String db) {
        return r.databases().stream().filter(o -> o.name().equals(db)).findFirst()
                .orElseThrow(() -> new AssertionError("no outcome for " + db));
    }

    static void dropOnTarget(String db) {
        TestServices.sqlOn(TestServices.targetPgPort(), "postgres", "DROP DATABASE IF EXISTS " + ident(db) + " WITH (FORCE)");
    }

    static boolean existsOnTarget(String db) throws SQLException {
        return one(TestServices.targetPgPort(), "postgres", "SELECT count(*) FROM pg_database WHERE datname = ?", db) == 1;
    }

    static long count(String db, String table) throws SQLException {
        return one(TestServices.targetPgPort(), db, "SELECT count(*) FROM " + ident(table) + " WHERE ? IS NOT NULL", "x");
    }

    static long tablesOnTarget(String db) throws SQLException {
        return one(TestServices.targetPgPort(), db,
                "SELECT count(*) FROM pg_class WHERE relkind = 'r' AND relnamespace <> 'pg_catalog'::regnamespace"
                        + " AND relnamespace <> 'information_schema'::regnamespace AND ? IS NOT NULL", "x");
    }

    static boolean memberOnTarget(String member, String role) throws SQLException {
        return one(TestServices.targetPgPort(), "postgres", "SELECT count(*) FROM pg_auth_members m JOIN pg_roles r"
                + " ON r.oid = m.roleid JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = ? AND r.rolname = '"
                + role + "'", member) == 1;
    }

    static String ownerOnTarget(String db) throws SQLException {
        try (Connection c = TestServices.connect(TestServices.targetPgPort(), "postgres");
                PreparedStatement st = c.prepareStatement(
                        "SELECT r.rolname FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba WHERE d.datname = ?")) {
            st.setString(1, db);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    static long one(int port, String db, String sql, String param) throws SQLException {
        try (Connection c = TestServices.connect(port, db); PreparedStatement st = c.prepareStatement(sql)) {
            st.setString(1, param);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    /** The PostgreSQL install's extension directory (shared by both clusters), from pg_config. */
    static Path extensionDir() {
        var r = TestServices.run(TestServices.pgPort(), null, Map.of(),
                TestServices.pgBin().resolve("pg_config").toString(), "--sharedir");
        Path dir = Path.of(r.stdout().strip(), "extension");
        assertTrue(Files.isWritable(dir), "this test installs a test extension into " + dir
                + " and needs write access to it (run the tests as the user that owns the PostgreSQL install)");
        return dir;
    }

    static void installSourceOnlyExtension() throws IOException {
        Path dir = extensionDir();
        Files.writeString(dir.resolve(EXTENSION + ".control"), "comment = 'pgvault test: exists on the source only'\n"
                + "default_version = '1.0'\nrelocatable = true\n");
        Files.writeString(dir.resolve(EXTENSION + "--1.0.sql"),
                "CREATE FUNCTION pgvault_src_only_answer() RETURNS int LANGUAGE sql AS 'SELECT 42';\n");
    }

    static void removeSourceOnlyExtension() throws IOException {
        Path dir = extensionDir();
        Files.deleteIfExists(dir.resolve(EXTENSION + ".control"));
        Files.deleteIfExists(dir.resolve(EXTENSION + "--1.0.sql"));
    }
}
