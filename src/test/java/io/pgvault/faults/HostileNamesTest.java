package io.pgvault.faults;

import io.pgvault.jobs.JobRecord;
import io.pgvault.matrix.BackupType;
import io.pgvault.testing.TestServices;
import io.pgvault.vault.Manifest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.pgvault.testing.TestServices.ident;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile names: databases, schemas and roles named with quotes, spaces, {@code ;}, newlines, non-ASCII, leading
 * dashes (a database named {@code -h} must not become a pg_dump option), libpq keywords ({@code dbname=postgres}
 * must not become a connection string) and shell syntax. Backed up, restored as files, rebuilt by the kit's
 * restore.sh in the fresh server, and compared with pg_dump: every database must come back as it was, under its
 * own name, owned by its own role. (Role and database names with a line break are refused by the preflight's
 * {@code safe-names} rule instead — UnsafeNamesRealTest; a schema, which the kit never parses, may hold one.)
 */
@QuarkusTest
@TestProfile(FaultsProfile.class)
class HostileNamesTest extends FaultTestBase {

    static final List<String> DATABASES = List.of("-h", "--create", "dbname=postgres", "it's a \"quoted\" name",
            "semi; colon DROP DATABASE postgres", "日本語 ü ñ", "$(touch /tmp/pgvault-pwned) `id`",
            "back\\slash");
    static final List<String> ROLES = List.of("-U", "odd 'role\"", "semi;colon", "rôle ö");
    static final List<String> SCHEMAS = List.of("-n", "odd schema; DROP", "new\nline", "ünï");

    @AfterEach
    void dropEverything() {
        DATABASES.forEach(Databases::dropEverywhere);
        for (int port : new int[] {TestServices.pgPort(), TestServices.targetPgPort()}) {
            for (String r : ROLES) {
                TestServices.sqlOn(port, "postgres", "DROP ROLE IF EXISTS " + ident(r));
            }
        }
    }

    @Test
    void hostileNamesAreBackedUpAndRestoredExactly() throws Exception {
        TestServices.resetVault();
        for (String r : ROLES) {
            TestServices.sql("postgres", "DROP ROLE IF EXISTS " + ident(r), "CREATE ROLE " + ident(r) + " LOGIN");
        }
        for (int i = 0; i < DATABASES.size(); i++) {
            String db = DATABASES.get(i);
            String owner = ROLES.get(i % ROLES.size());
            TestServices.recreateDatabase(db);
            TestServices.sql("postgres", "ALTER DATABASE " + ident(db) + " OWNER TO " + ident(owner));
            String schema = SCHEMAS.get(i % SCHEMAS.size());
            // each database's own name in its data: a dump of the wrong database cannot pass the comparison
            TestServices.sql(db, "CREATE SCHEMA " + ident(schema) + " AUTHORIZATION " + ident(owner),
                    "CREATE TABLE " + ident(schema) + "." + ident("t " + db) + " (id int PRIMARY KEY, name text)",
                    "INSERT INTO " + ident(schema) + "." + ident("t " + db) + " VALUES (1, " + literal(db) + ")",
                    "GRANT SELECT ON ALL TABLES IN SCHEMA " + ident(schema) + " TO " + ident(ROLES.get((i + 1) % ROLES.size())));
        }
        Manifest m = backups.backup(BackupType.FULL).manifest();
        for (String db : DATABASES) {
            assertTrue(m.databaseFiles().stream().anyMatch(f -> f.database().equals(db) && f.bytes() > 0),
                    "dumped: " + BackupLayoutPrintable.of(db));
        }
        for (Manifest.File f : m.files()) {
            assertTrue(f.path().matches("(roles\\.sql|databases/\\d{4}_[A-Za-z0-9_-]*\\.dump(\\.zst)?)"),
                    "blob names stay plain: " + f.path());
        }

        // restore as files, then the kit into the fresh server, which must hold none of these databases first
        for (Manifest.File f : m.databaseFiles()) {
            if (!f.database().equals("postgres")) {
                Databases.dropEverywhereOnTarget(f.database());
            }
        }
        String container = "hostile-" + System.currentTimeMillis();
        String target = TestServices.newTargetContainer(container);
        String restoreId = given().contentType(ContentType.JSON)
                .body(Map.of("server", SERVER, "backupId", m.backupId(), "targetContainerUrl", target))
                .when().post("/restore").then().statusCode(202).extract().path("restoreId");
        String[] state = {""};
        await("the restore", Duration.ofMinutes(2), () -> {
            state[0] = given().queryParam("server", SERVER).queryParam("id", restoreId).when().get("/restoreStatus")
                    .then().statusCode(200).extract().path("state");
            return !state[0].equals(JobRecord.COPYING.toString()) && !state[0].equals(JobRecord.VALIDATING.toString());
        });
        assertEquals(JobRecord.SUCCEEDED.toString(), state[0]);
        Path dir = Files.createTempDirectory("pgvault-hostile");
        var c = TestServices.targetContainer(container);
        String prefix = SERVER + "/" + m.backupId() + "/";
        c.listBlobs(new com.azure.storage.blob.models.ListBlobsOptions().setPrefix(prefix), null).forEach(b -> {
            Path file = dir.resolve(b.getName().substring(prefix.length()));
            try {
                Files.createDirectories(file.getParent());
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
            c.getBlobClient(b.getName()).downloadToFile(file.toString(), true);
        });
        var kit = TestServices.run(TestServices.targetPgPort(), dir, Map.of(), "bash", "restore.sh", "--jobs", "2");
        secrets.capture("restore.sh output", kit.stdout() + kit.stderr());
        assertEquals(0, kit.exit(), "restore.sh failed:\n" + kit.stdout() + kit.stderr());
        assertFalse(Files.exists(Path.of("/tmp/pgvault-pwned")), "a database name ran as a shell command");

        for (int i = 0; i < DATABASES.size(); i++) {
            String db = DATABASES.get(i);
            assertEquals(TestServices.plainDump(TestServices.pgPort(), db),
                    TestServices.plainDump(TestServices.targetPgPort(), db),
                    "restored " + BackupLayoutPrintable.of(db) + " differs from its source");
            assertEquals(ROLES.get(i % ROLES.size()), ownerOnTarget(db), "owner of " + BackupLayoutPrintable.of(db));
            // over JDBC, where a database name is never parsed: the restored database holds its own row
            String schema = SCHEMAS.get(i % SCHEMAS.size());
            try (Connection restored = TestServices.connect(TestServices.targetPgPort(), db);
                    ResultSet rs = restored.createStatement().executeQuery("SELECT name FROM " + ident(schema) + "."
                            + ident("t " + db))) {
                assertTrue(rs.next());
                assertEquals(db, rs.getString(1));
            }
        }
    }

    static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    static String ownerOnTarget(String db) throws Exception {
        try (Connection c = TestServices.connect(TestServices.targetPgPort(), "postgres");
                PreparedStatement st = c.prepareStatement(
                        "SELECT r.rolname FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba WHERE d.datname = ?")) {
            st.setString(1, db);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** Names with newlines, printable in assertion messages. */
    static final class BackupLayoutPrintable {
        static String of(String s) {
            return io.pgvault.vault.BackupLayout.printable(s);
        }
    }
}
