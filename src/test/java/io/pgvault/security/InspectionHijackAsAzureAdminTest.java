package io.pgvault.security;

import io.pgvault.backup.BackupService;
import io.pgvault.errors.ConfigurationException;
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

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Inspection hijacks with pgvault logged in as an Azure-like server admin ({@link AzureLikeAdmin}: CREATEROLE, not a
 * superuser), where a hijack would have let the owner's code give the attacker CREATEROLE — the exact case.
 * Both routes: the domain overload of {@code octet_length}, and a table whose row-level security policy calls the
 * owner's function. A superuser is never subject to policies, which is why this runs as a plain role: with
 * {@code row_security = off} and no BYPASSRLS, PostgreSQL refuses the read instead of running the policy, and pgvault
 * reports that as its own error naming the table, never silently.
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
    void aRowLevelSecurityPolicyIsNeverRunAndTheTableIsReportedWithAHint() {
        rowSecurityPolicy(RLS_DB);

        String body = given().when().get("/preflight").then().statusCode(500)
                .body("error", org.hamcrest.Matchers.equalTo("configuration")).extract().path("message");

        assertEquals(List.of(), Hostile.log(RLS_DB), "the policy's function ran as pgvault's role");
        assertEquals(List.of(), Hostile.escalatedAttributes());
        assertTrue(body.contains("table " + RLS_DB + ".public.secrets"), body);
        assertTrue(body.contains("row-level security"), body);
        assertTrue(body.contains("HINT: Give pgvault's role BYPASSRLS: ALTER ROLE \"" + AzureLikeAdmin.ROLE
                + "\" BYPASSRLS;"), body);
        assertTrue(body.contains("Azure"), "the hint says who can grant it on Azure: " + body);
        assertTrue(!body.contains("at io.") && !body.contains("Exception"), "no stack trace, no raw exception: " + body);
    }

    @Test
    void aBackupOfADatabaseWithAPolicyFailsWithThatErrorAndWritesNothing() {
        rowSecurityPolicy(RLS_DB);

        ConfigurationException e = assertThrows(ConfigurationException.class, () -> backups.backup(BackupType.FULL));

        assertTrue(e.render().contains(RLS_DB + ".public.secrets") && e.render().contains("BYPASSRLS"), e.render());
        assertEquals(List.of(), Hostile.log(RLS_DB));
        assertEquals(List.of(), Hostile.escalatedAttributes());
        List<JobRecord> all = jobs.list("test-pg");
        assertEquals(1, all.size(), all::toString);
        assertEquals(JobRecord.FAILED, all.get(0).state(), "the failure is recorded, not silent");
        assertTrue(all.get(0).error().message().contains("BYPASSRLS"), all.get(0).error().message());
        assertEquals(List.of(), TestServices.vaultBlobs().stream().filter(n -> !n.startsWith("test-pg/.jobs/")).toList(),
                "nothing but the job record is written");
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
