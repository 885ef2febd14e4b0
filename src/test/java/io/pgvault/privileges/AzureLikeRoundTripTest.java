package io.pgvault.privileges;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.ListBlobsOptions;
import io.pgvault.backup.BackupService;
import io.pgvault.matrix.BackupType;
import io.pgvault.testing.TestServices;
import io.pgvault.vault.Manifest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The main round trip with pgvault logged in as an Azure-like admin instead of the superuser
 * ({@link AzureLikeBackupRole}; BYPASSRLS and SELECT on every large object given by the test's superuser, as the
 * docs/backup-role.md SQL does): a database with a table with row-level security, a large object, a sequence and
 * bytea owned by an application role → backup → restore as files over HTTP → the kit's restore.sh into the empty
 * second PostgreSQL → pg_dump of source and restored database identical, row-level security and large object
 * included.
 */
@QuarkusTest
@TestProfile(AzureLikeBackupRole.class)
class AzureLikeRoundTripTest {

    static final String DB = "priv_round_trip";
    static final String OWNER = "priv_rt_owner";

    @Inject
    BackupService backups;

    @BeforeEach
    void fixtures() {
        TestServices.resetVault();
        cleanup();
        AzureLikeBackupRole.create();
        TestServices.sql("postgres", "CREATE ROLE " + OWNER + " NOLOGIN", "CREATE DATABASE " + DB + " OWNER " + OWNER);
        TestServices.sql(DB, "SET ROLE " + OWNER,
                "CREATE SEQUENCE public.order_no START 1000",
                "CREATE TABLE public.items (id bigint PRIMARY KEY DEFAULT nextval('public.order_no'), name text,"
                        + " payload bytea, doc jsonb)",
                "INSERT INTO public.items (name, payload, doc) SELECT 'item ' || g, decode(md5(g::text), 'hex'),"
                        + " jsonb_build_object('g', g) FROM generate_series(1, 500) g",
                "CREATE TABLE public.tenant_data (tenant text, secret text)",
                "INSERT INTO public.tenant_data VALUES ('a', 'alpha'), ('b', 'beta')",
                "ALTER TABLE public.tenant_data ENABLE ROW LEVEL SECURITY",
                "CREATE POLICY own ON public.tenant_data USING (tenant = current_user)",
                "SELECT lo_from_bytea(0, convert_to(repeat('large object ', 500), 'UTF8'))");
        AzureLikeBackupRole.grantBypassRls();
        AzureLikeBackupRole.grantAllLargeObjects();
        // restore.sh restores every database of the backup and refuses existing ones: the target starts empty
        emptyTarget();
    }

    private static void emptyTarget() {
        try (Connection c = TestServices.connect(TestServices.targetPgPort(), "postgres");
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT datname FROM pg_database WHERE NOT datistemplate"
                        + " AND datname <> 'postgres'")) {
            List<String> names = new ArrayList<>();
            while (rs.next()) {
                names.add(rs.getString(1));
            }
            for (String db : names) {
                TestServices.sqlOn(TestServices.targetPgPort(), "postgres",
                        "DROP DATABASE " + TestServices.ident(db) + " WITH (FORCE)");
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterEach
    void cleanup() {
        TestServices.sql("postgres", "DROP DATABASE IF EXISTS " + DB + " WITH (FORCE)");
        // the restored databases carry the role's grants (large objects): drop them before the roles
        emptyTarget();
        AzureLikeBackupRole.drop();
        TestServices.sql("postgres", "DROP ROLE IF EXISTS " + OWNER);
        TestServices.sqlOn(TestServices.targetPgPort(), "postgres", "DROP ROLE IF EXISTS " + OWNER,
                "DROP ROLE IF EXISTS " + AzureLikeBackupRole.ROLE);
    }

    @Test
    void backupAsAnAzureLikeAdminRestoresIntoTheSameDatabase() throws Exception {
        Manifest manifest = backups.backup(BackupType.FULL).manifest();
        assertTrue(manifest.databaseFiles().stream().anyMatch(f -> DB.equals(f.database())), manifest::toString);

        String container = "priv-rt-" + Instant.now().toEpochMilli();
        String target = TestServices.newTargetContainer(container);
        String restoreId = given().contentType(ContentType.JSON)
                .body(Map.of("server", "test-pg", "backupId", manifest.backupId(), "targetContainerUrl", target))
                .when().post("/restore").then().statusCode(202).extract().path("restoreId");
        assertEquals("Succeeded", awaitRestore(restoreId));

        Path dir = TestServices.downloadTarget(container, "test-pg/" + manifest.backupId() + "/");
        var kit = TestServices.run(TestServices.targetPgPort(), dir, Map.of(), "bash", "restore.sh",
                "--jobs", "2");
        assertEquals(0, kit.exit(), "restore.sh failed: " + kit.stdout() + kit.stderr());

        String source = TestServices.plainDump(TestServices.pgPort(), DB);
        assertTrue(source.contains("ENABLE ROW LEVEL SECURITY") && source.contains("lo_open"),
                "the source dump holds the policy table and the large object");
        assertEquals(source, TestServices.plainDump(TestServices.targetPgPort(), DB), "restored " + DB + " differs");
    }

    private static String awaitRestore(String restoreId) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        String state = "";
        while (Instant.now().isBefore(deadline)) {
            state = given().queryParam("server", "test-pg").queryParam("id", restoreId)
                    .when().get("/restoreStatus").then().statusCode(200).extract().path("state");
            if (!state.equals("Copying") && !state.equals("Validating")) {
                return state;
            }
            Thread.sleep(200);
        }
        return state;
    }
}
