package io.pgvault.security;

import io.pgvault.backup.BackupService;
import io.pgvault.jobs.JobRecord;
import io.pgvault.matrix.BackupType;
import io.pgvault.matrix.ByteaFacts;
import io.pgvault.postgres.ServerInspector;
import io.pgvault.testing.TestServices;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A database owner tries to run code as pgvault during inspection, with pgvault logged in as the test server's
 * superuser (what pgvault is on a self-hosted server). The owner puts {@code public.octet_length(blob)} next to
 * a bytea domain {@code blob}: an exact match for a {@code blob} column, so an unqualified {@code octet_length(col)}
 * would call it instead of pg_catalog's. Each test first shows that the fixture does hijack an unprotected query
 * (run as a role without privileges), then runs pgvault's inspection — the preflight over HTTP, the inspector
 * itself, a whole backup — and asserts that the owner's function was never called and the attacker gained nothing.
 */
@QuarkusTest
class InspectionHijackTest {

    static final String DB = "sec_domain_hijack";
    static final int VALUE_BYTES = 3000;

    @Inject
    ServerInspector inspector;

    @Inject
    BackupService backups;

    @BeforeEach
    void hostileDatabase() {
        TestServices.resetVault();
        Hostile.createRoles();
        domainOverload(DB);
    }

    @AfterEach
    void cleanup() {
        Hostile.dropAll(DB);
    }

    /** The domain-overload route of the issue, in {@code db}; proven to hijack a plain query, then the log cleared. */
    static void domainOverload(String db) {
        Hostile.createDatabase(db);
        Hostile.asAttacker(db, "CREATE DOMAIN public.blob AS bytea",
                "CREATE TABLE public.files (id int, data public.blob)",
                "INSERT INTO public.files SELECT g, decode(repeat('ab', " + VALUE_BYTES + " - g), 'hex')"
                        + " FROM generate_series(0, 9) g",
                "CREATE FUNCTION public.octet_length(public.blob) RETURNS int LANGUAGE plpgsql AS $f$"
                        + Hostile.payload("pg_catalog.octet_length($1::bytea)") + "$f$");
        // Positive control: pgvault's former query, unqualified, run by a role without privileges, calls the function.
        Hostile.asRole(db, Hostile.PROBE, "SELECT coalesce(max(octet_length(\"data\")), 0) FROM \"public\".\"files\"");
        assertTrue(Hostile.log(db).contains(Hostile.PROBE), "the fixture hijacks an unqualified octet_length: "
                + Hostile.log(db));
        Hostile.clearLog(db);
    }

    @Test
    void preflightOverHttpNeverCallsTheOwnersFunction() {
        given().when().get("/preflight").then().statusCode(200);

        assertEquals(List.of(), Hostile.log(DB), "the owner's octet_length ran during the preflight");
        assertEquals(List.of(), Hostile.escalatedAttributes(), "the attacker gained attributes");
    }

    @Test
    void theInspectorMeasuresTheDomainColumnWithPgCatalogsFunction() {
        ByteaFacts files = inspector.inspect().byteaColumns().stream()
                .filter(c -> c.database().equals(DB) && c.table().equals("files")).findFirst().orElseThrow();

        assertEquals(VALUE_BYTES, files.maxValueBytes(), "the domain column was measured");
        assertEquals(List.of(), Hostile.log(DB));
        assertEquals(List.of(), Hostile.escalatedAttributes());
    }

    @Test
    void aBackupNeverCallsTheOwnersFunction() {
        var result = backups.backup(BackupType.FULL);

        assertEquals(JobRecord.SUCCEEDED, result.job().state());
        assertTrue(result.manifest().databaseFiles().stream().anyMatch(f -> f.database().equals(DB)));
        assertEquals(List.of(), Hostile.log(DB), "the owner's octet_length ran during the backup");
        assertEquals(List.of(), Hostile.escalatedAttributes());
    }

    /**
     * The owner also points the database's search_path at its own schema first, and shadows the catalog tables
     * inspection reads with views that call its payload, and octet_length(bytea) with its own: pgvault's session
     * settings outrank the database's, and its names are qualified.
     */
    @Test
    void theDatabasesOwnSearchPathAndShadowingViewsDoNotReachPgvault() {
        Hostile.asAttacker(DB, "CREATE FUNCTION public.payload() RETURNS boolean LANGUAGE plpgsql AS $f$"
                        + Hostile.payload("true") + "$f$",
                "CREATE VIEW public.pg_attribute AS SELECT attrelid, attname, atttypid, attnum, attisdropped"
                        + " FROM pg_catalog.pg_attribute WHERE public.payload()",
                "CREATE VIEW public.pg_class AS SELECT oid, relname, relnamespace, relkind, relispopulated, relrowsecurity"
                        + " FROM pg_catalog.pg_class WHERE public.payload()",
                "CREATE FUNCTION public.octet_length(bytea) RETURNS int LANGUAGE plpgsql AS $f$"
                        + Hostile.payload("pg_catalog.octet_length($1)") + "$f$",
                "ALTER DATABASE " + DB + " SET search_path = public, pg_catalog");
        Hostile.asRole(DB, Hostile.PROBE, "SET search_path = public, pg_catalog", "SELECT count(*) FROM pg_class");
        assertTrue(Hostile.log(DB).contains(Hostile.PROBE), "the shadowing view hijacks an unprotected session");
        Hostile.clearLog(DB);

        List<ByteaFacts> columns = inspector.inspect().byteaColumns();
        given().when().get("/preflight").then().statusCode(200);

        assertTrue(columns.stream().anyMatch(c -> c.database().equals(DB) && c.maxValueBytes() == VALUE_BYTES), columns::toString);
        assertEquals(List.of(), Hostile.log(DB), "the owner's code ran during inspection");
        assertEquals(List.of(), Hostile.escalatedAttributes());
    }
}
