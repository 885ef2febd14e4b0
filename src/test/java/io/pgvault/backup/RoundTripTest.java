package io.pgvault.backup;

import com.azure.storage.blob.BlobContainerClient;
import io.pgvault.testing.TestExecutionContext;
import io.pgvault.testing.TestServices;
import io.pgvault.vault.Manifest;
import io.pgvault.vault.VaultStore;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The walking skeleton end to end on real parts: databases with varied types on a real PostgreSQL →
 * {@code weeklyBackup} through its function class → {@code restore} over HTTP into an Azurite container →
 * the restore kit's {@code restore.sh} into a fresh PostgreSQL server → {@code pg_dump} of source and
 * restored databases must be identical.
 */
@QuarkusTest
class RoundTripTest {

    static final String ODD_NAME = "it's a \"db\" ü";
    static final List<String> DATABASES = List.of("rt_types", ODD_NAME);

    @Inject
    WeeklyBackupFunction weeklyBackup;

    @Inject
    VaultStore vault;

    @BeforeEach
    void fixtures() {
        TestServices.resetVault();
        TestServices.sql("postgres",
                "DROP DATABASE IF EXISTS rt_excluded WITH (FORCE)",
                "DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname='azure_pg_admin') THEN CREATE ROLE azure_pg_admin NOLOGIN; END IF; END$$",
                "DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname='rt_reader') THEN CREATE ROLE rt_reader LOGIN; END IF; END$$",
                "CREATE DATABASE rt_excluded OWNER azure_pg_admin");
        for (String db : DATABASES) {
            TestServices.recreateDatabase(db);
        }
        TestServices.sql("rt_types",
                "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')",
                "CREATE SEQUENCE order_no START 1000",
                """
                CREATE TABLE items (id bigint PRIMARY KEY DEFAULT nextval('order_no'), name text NOT NULL,
                  payload bytea, doc jsonb, tags text[], feeling mood, price numeric(10,2), at timestamptz)""",
                """
                INSERT INTO items (name, payload, doc, tags, feeling, price, at)
                SELECT 'item ' || g, decode(md5(g::text), 'hex') || decode(repeat('00ff', g % 50), 'hex'),
                       jsonb_build_object('g', g, 'even', g % 2 = 0), ARRAY['a' || g, 'b'],
                       (ARRAY['sad','ok','happy'])[1 + g % 3]::mood, g * 1.25, timestamptz '2026-01-01' + g * interval '1 hour'
                FROM generate_series(1, 2000) g""",
                "CREATE VIEW happy_items AS SELECT id, name FROM items WHERE feeling = 'happy'",
                "CREATE FUNCTION item_count() RETURNS bigint LANGUAGE sql AS 'SELECT count(*) FROM items'",
                "SELECT lo_from_bytea(0, convert_to(repeat('large object ', 1000), 'UTF8'))",
                "GRANT SELECT ON items, happy_items TO rt_reader");
        TestServices.sql(ODD_NAME, "CREATE TABLE \"odd table\" (\"odd col\" text)",
                "INSERT INTO \"odd table\" VALUES ('ü'), ('quote '' and \"double\"')");
        // the fresh target server starts empty of these databases
        for (String db : DATABASES) {
            TestServices.sqlOn(TestServices.targetPgPort(), "postgres",
                    "DROP DATABASE IF EXISTS " + TestServices.ident(db) + " WITH (FORCE)");
        }
    }

    @Test
    void weeklyBackupRestoresAsFilesThatPgRestoreTurnsBackIntoTheSameDatabases() throws Exception {
        weeklyBackup.run("{\"isPastDue\":false}", new TestExecutionContext("weeklyBackup"));

        Manifest manifest = vault.catalog("test-pg").get(0);
        assertTrue(manifest.databaseFiles().stream().map(Manifest.File::database).toList().containsAll(DATABASES));
        assertTrue(manifest.excludedDatabases().stream().anyMatch(e -> e.database().equals("rt_excluded")
                && e.reason().contains("azure_pg_admin")), "database owned by azure_pg_admin is excluded with the reason");
        assertFalse(manifest.databaseFiles().stream().anyMatch(f -> f.database().equals("rt_excluded")));
        for (Manifest.File f : manifest.files()) {
            assertEquals(64, f.sha256().length(), "each file carries its SHA-256");
        }

        String container = "restored-" + Instant.now().toEpochMilli();
        String target = TestServices.newTargetContainer(container);
        String restoreId = given().contentType(ContentType.JSON)
                .body(Map.of("server", "test-pg", "backupId", "latest", "targetContainerUrl", target))
                .when().post("/restore")
                .then().statusCode(202).extract().path("restoreId");
        String state = "";
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        while (Instant.now().isBefore(deadline)) {
            state = given().queryParam("server", "test-pg").queryParam("id", restoreId)
                    .when().get("/restoreStatus").then().statusCode(200).extract().path("state");
            if (!state.equals("Copying") && !state.equals("Validating")) {
                break;
            }
            Thread.sleep(200);
        }
        assertEquals("Succeeded", state);

        Path dir = TestServices.downloadTarget(container,
                "test-pg/" + manifest.backupId() + "/");
        assertTrue(Files.exists(dir.resolve("roles.sql")));
        assertTrue(Files.exists(dir.resolve("RESTORE.md")));
        var kit = TestServices.run(TestServices.targetPgPort(), dir, Map.of(), "bash", "restore.sh", "--jobs", "2");
        assertEquals(0, kit.exit(), "restore.sh failed: " + kit.stdout() + kit.stderr());

        for (String db : DATABASES) {
            assertEquals(TestServices.plainDump(TestServices.pgPort(), db),
                    TestServices.plainDump(TestServices.targetPgPort(), db), "restored " + db + " differs from its source");
        }
    }
}
