package io.pgvault.security;

import io.pgvault.backup.BackupService;
import io.pgvault.errors.MatrixRefusedException;
import io.pgvault.jobs.JobRecord;
import io.pgvault.jobs.JobStore;
import io.pgvault.matrix.BackupType;
import io.pgvault.testing.TestServices;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Inspection hijacks with pgvault logged in as an Azure-like server admin ({@link AzureLikeAdmin}: CREATEROLE, not a
 * superuser), where a hijack would have let the owner's code give the attacker CREATEROLE — the exact case.
 * Both routes: the domain overload of {@code octet_length}, and a table whose row-level security policy calls the
 * owner's function. A superuser is never subject to policies, which is why this runs as a plain role: with
 * {@code row_security = off} and no BYPASSRLS the table is never read: the catalogs show the role is subject to its
 * policy, and the preflight reports it as a {@code dump-privileges} violation naming the table, never silently.
 */
@QuarkusTest
@TestProfile(AzureLikeAdmin.class)
class InspectionHijackAsAzureAdminTest {

    static final String DOMAIN_DB = "sec_admin_domain_hijack";
    static final String RLS_DB = "sec_admin_rls_hijack";

    @Inject
    BackupService backups;

    @Inject
    JobStore jobs;

    @BeforeAll
    static void adminRole() {
        AzureLikeAdmin.create();
    }

    @AfterAll
    static void dropAdminRole() {
        AzureLikeAdmin.drop();
    }

    @BeforeEach
    void roles() {
        TestServices.resetVault();
        Hostile.createRoles();
    }

    @AfterEach
    void cleanup() {
        Hostile.dropAll(DOMAIN_DB, RLS_DB);
    }

    @Test
    void theDomainOverloadNeverRunsAsTheAdmin() {
        InspectionHijackTest.domainOverload(DOMAIN_DB);

        given().when().get("/preflight").then().statusCode(200);

        assertEquals(List.of(), Hostile.log(DOMAIN_DB), "the owner's octet_length ran as pgvault's role");
        assertEquals(List.of(), Hostile.escalatedAttributes(), "the attacker gained CREATEROLE through pgvault");
    }

    @Test
    void aRowLevelSecurityPolicyIsNeverRunAndTheTableIsADumpPrivilegesViolationWithAHint() {
        rowSecurityPolicy(RLS_DB);

        List<Map<String, String>> violations = given().when().get("/preflight").then().statusCode(200)
                .extract().path("violations");

        assertEquals(List.of(), Hostile.log(RLS_DB), "the policy's function ran as pgvault's role");
        assertEquals(List.of(), Hostile.escalatedAttributes());
        Map<String, String> v = violations.stream().filter(x -> "dump-privileges".equals(x.get("ruleId"))
                && x.get("evidence").contains("database \"" + RLS_DB + "\"")).findFirst()
                .orElseThrow(() -> new AssertionError("no dump-privileges violation for " + RLS_DB + ": " + violations));
        assertEquals("ERROR", v.get("severity"));
        assertTrue(v.get("evidence").contains("public.secrets"), v.toString());
        assertTrue(v.get("problem").contains("row-level security"), v.toString());
        assertTrue(v.get("hint").startsWith("ALTER ROLE \"" + AzureLikeAdmin.ROLE + "\" BYPASSRLS;"), v.toString());
        assertTrue(v.get("hint").contains("Azure"), "the hint says who can grant it on Azure: " + v);
    }

    @Test
    void aBackupOfADatabaseWithAPolicyIsRefusedAndWritesNothing() {
        rowSecurityPolicy(RLS_DB);

        MatrixRefusedException e = assertThrows(MatrixRefusedException.class, () -> backups.backup(BackupType.FULL));

        assertTrue(e.render().contains(RLS_DB + "\": public.secrets") && e.render().contains("BYPASSRLS"), e.render());
        assertTrue(!e.render().contains("at io.") && !e.render().contains("Exception"), e.render());
        assertEquals(List.of(), Hostile.log(RLS_DB));
        assertEquals(List.of(), Hostile.escalatedAttributes());
        List<JobRecord> all = jobs.list("test-pg");
        assertEquals(1, all.size(), all::toString);
        assertEquals(JobRecord.REFUSED, all.get(0).state(), "the refusal is recorded, not silent");
        assertTrue(all.get(0).violations().stream().anyMatch(x -> x.contains("[dump-privileges]")
                && x.contains("public.secrets")), all.get(0).violations()::toString);
        assertEquals(List.of(), TestServices.vaultBlobs().stream().filter(n -> !n.startsWith("test-pg/.jobs/")
                && !n.equals(".status/test-pg.json")).toList(), "nothing but the job record and the server's status is written");
    }

    /**
     * The policy route of the issue in {@code db}: a bytea table with row-level security whose policy calls the owner's
     * function, and the database's row_security turned on by its owner. Proven to hijack a role without BYPASSRLS.
     */
    static void rowSecurityPolicy(String db) {
        Hostile.createDatabase(db);
        Hostile.asAttacker(db, "CREATE FUNCTION public.visible() RETURNS boolean LANGUAGE plpgsql AS $f$"
                        + Hostile.payload("true") + "$f$",
                "CREATE TABLE public.secrets (id int, data bytea)",
                "INSERT INTO public.secrets VALUES (1, '\\xdeadbeef')",
                "ALTER TABLE public.secrets ENABLE ROW LEVEL SECURITY",
                "CREATE POLICY everyone ON public.secrets USING (public.visible())",
                "ALTER DATABASE " + db + " SET row_security = on");
        Hostile.asRole(db, Hostile.PROBE, "SELECT max(octet_length(data)) FROM public.secrets");
        assertTrue(Hostile.log(db).contains(Hostile.PROBE), "the policy hijacks a role without BYPASSRLS: "
                + Hostile.log(db));
        Hostile.clearLog(db);
    }
}
