package io.pgvault.matrix.real;

import io.pgvault.backup.BackupService;
import io.pgvault.errors.MatrixRefusedException;
import io.pgvault.jobs.JobStore;
import io.pgvault.matrix.BackupType;
import io.pgvault.testing.TestServices;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rule {@code safe-names} on real names: a role named like the one that injected SQL through the restore kit
 * ({@code "…X\nGRANT pg_execute_server_program TO bob;--"}) and a database whose name holds a carriage return exist
 * on the real server. The backup is refused before anything is dumped — job Refused, no blob but the job record —
 * and the preflight over HTTP shows each name escaped on one line, with a rename HINT.
 */
@QuarkusTest
class UnsafeNamesRealTest {

    static final String ROLE = "pgvault_replicationX\nGRANT pg_execute_server_program TO bob;--";
    static final String DATABASE = "pgvault_unsafe\rname";

    @Inject
    BackupService backups;

    @Inject
    JobStore jobs;

    @BeforeEach
    void unsafeNames() {
        TestServices.resetVault();
        cleanup();
        TestServices.sql("postgres", "CREATE ROLE " + TestServices.ident(ROLE) + " NOLOGIN",
                "CREATE DATABASE " + TestServices.ident(DATABASE));
    }

    @AfterEach
    void cleanup() {
        TestServices.sql("postgres", "DROP DATABASE IF EXISTS " + TestServices.ident(DATABASE) + " WITH (FORCE)",
                "DROP ROLE IF EXISTS " + TestServices.ident(ROLE));
    }

    @Test
    void theBackupIsRefusedAndWritesNothing() {
        MatrixRefusedException e = assertThrows(MatrixRefusedException.class, () -> backups.backup(BackupType.FULL));

        Real.assertRefusedWithNothingWritten(e, jobs, "safe-names");
        String rendered = e.render();
        assertTrue(rendered.contains("role \"pgvault_replicationX\\nGRANT pg_execute_server_program TO bob;--\""), rendered);
        assertTrue(rendered.contains("database \"pgvault_unsafe\\rname\""), rendered);
        assertFalse(rendered.contains("\nGRANT") || rendered.contains("\r"), "no raw control character: " + rendered);
        assertTrue(rendered.contains("ALTER ROLE U&\"pgvault_replicationX\\000aGRANT pg_execute_server_program TO bob;--\""
                + " RENAME TO <new_name>;"), rendered);
    }

    @Test
    void preflightOverHttpShowsBothNamesEscapedWithARenameHint() {
        List<Map<String, String>> violations = given().when().get("/preflight").then().statusCode(200)
                .extract().path("violations");
        List<Map<String, String>> names = violations.stream().filter(v -> "safe-names".equals(v.get("ruleId"))).toList();

        assertEquals(2, names.size(), violations::toString);
        assertTrue(names.stream().anyMatch(v -> v.get("evidence").startsWith("role \"pgvault_replicationX\\nGRANT")),
                names::toString);
        assertTrue(names.stream().anyMatch(v -> v.get("evidence").startsWith("database \"pgvault_unsafe\\rname\"")
                && v.get("hint").contains("ALTER DATABASE U&\"pgvault_unsafe\\000dname\" RENAME TO")), names::toString);
        assertTrue(names.stream().allMatch(v -> "ERROR".equals(v.get("severity"))), names::toString);
    }

    @Test
    void renamedNamesAreBackedUp() {
        TestServices.sql("postgres", "ALTER ROLE " + TestServices.ident(ROLE) + " RENAME TO pgvault_renamed_role",
                "ALTER DATABASE " + TestServices.ident(DATABASE) + " RENAME TO pgvault_renamed_db");
        try {
            var result = backups.backup(BackupType.FULL);
            assertFalse(result.verdict().violates("safe-names"), result.verdict().renderTable());
        } finally {
            TestServices.sql("postgres", "DROP DATABASE IF EXISTS pgvault_renamed_db WITH (FORCE)",
                    "DROP ROLE IF EXISTS pgvault_renamed_role");
        }
    }
}
