package io.pgvault.security;

import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import io.pgvault.testing.Errors;
import io.pgvault.vault.BackupLayout;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Server names that Azure Storage would fold into another server's prefix (security issue, item 6): a path
 * segment's trailing dots are dropped by the service, so {@code test-pg.} would read and write {@code test-pg/} —
 * its catalog, week claims, jobs and retention. Refused by every function that takes a server name.
 */
@QuarkusTest
class ServerNameAliasTest {

    static final List<String> ALIASES = List.of("test-pg.", "test-pg..", "a.");

    @Test
    void namesEndingInADotAreRefusedEverywhere() {
        for (String alias : ALIASES) {
            for (String fn : List.of("/backups", "/jobs")) {
                refused(given().queryParam("server", alias).when().get(fn), fn + " " + alias);
            }
            refused(given().queryParam("server", alias).queryParam("id", "verify-1").when().get("/verifyStatus"),
                    "verifyStatus " + alias);
            refused(given().contentType(ContentType.JSON).body(Map.of("server", alias, "backupId", "latest"))
                    .when().post("/verify"), "verify " + alias);
            refused(given().contentType(ContentType.JSON).body(Map.of("server", alias, "backupId", "latest",
                    "targetContainerUrl", "https://acct.blob.core.windows.net/restored?sv=1&sp=rcwl&sig=x"))
                    .when().post("/restore"), "restore " + alias);
            PgvaultException e = Errors.assertKind(ErrorKind.INVALID_REQUEST,
                    () -> BackupLayout.backupPrefix(alias, "20261129T020000Z"), "a backup under " + alias);
            assertTrue(e.render().contains("not ending with '.'"), e.render());
        }
    }

    @Test
    void dotsInsideANameStayAllowed() {
        for (String name : List.of("pg1.contoso", "a", "a.b.c", "pg_1-x", "x".repeat(63))) {
            assertEquals(name + "/", BackupLayout.backupPrefix(name, "20261129T020000Z").replace("20261129T020000Z/", ""));
        }
        Errors.assertKind(ErrorKind.INVALID_REQUEST, () -> BackupLayout.checkServer("x".repeat(64)));
    }

    private static void refused(Response r, String what) {
        assertEquals(400, r.statusCode(), what + ": " + r.asString());
        assertEquals("invalid-request", r.path("error"), what + ": " + r.asString());
        assertTrue(r.<String>path("message").contains("server name is not valid"), what + ": " + r.asString());
    }
}
