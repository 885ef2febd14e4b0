package io.pgvault.privileges;

import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import io.pgvault.testing.Errors;
import io.pgvault.backup.BackupService;
import io.pgvault.errors.MatrixRefusedException;
import io.pgvault.jobs.JobRecord;
import io.pgvault.jobs.JobStore;
import io.pgvault.matrix.BackupType;
import io.pgvault.matrix.Verdict;
import io.pgvault.matrix.Violation;
import io.pgvault.postgres.DumpProcess;
import io.pgvault.postgres.PgTools;
import io.pgvault.testing.TestServices;
import io.pgvault.vault.Manifest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rule {@code dump-privileges} on a real PostgreSQL 15 with pgvault logged in as an Azure-like admin
 * ({@link AzureLikeBackupRole}: not a superuser). Each gap of the issue is made for real — a table with row-level
 * security, a large object owned by another role, a table outside {@code pg_read_all_data} — and each time the
 * preflight refuses the backup naming the object, the backup writes nothing but its job record, and after the
 * HINT's own SQL is run (by the test's superuser, as Azure's admin or owner would) the backup commits. The same
 * failures at dump time (real pg_dump, grant missing) carry the right HINTs, never "GRANT pg_read_all_data" for a
 * large object.
 */
@QuarkusTest
@TestProfile(AzureLikeBackupRole.class)
class DumpPrivilegesRealTest {

    static final String DB = "priv_gaps";
    static final String OWNER = "priv_app_owner";
    static final String ROLE = AzureLikeBackupRole.ROLE;

    @Inject
    BackupService backups;

    @Inject
    JobStore jobs;

    @Inject
    PgTools tools;

    @BeforeEach
    void fixtures() {
        TestServices.resetVault();
        cleanup();
        AzureLikeBackupRole.create();
        TestServices.sql("postgres", "CREATE ROLE " + OWNER + " NOLOGIN", "CREATE DATABASE " + DB + " OWNER " + OWNER);
        TestServices.sql(DB, "CREATE TABLE public.plain (id int PRIMARY KEY, data bytea)",
                "INSERT INTO public.plain VALUES (1, '\\x0102')", "ALTER TABLE public.plain OWNER TO " + OWNER);
        // leftovers of other tests on the shared server (e.g. RoundTripTest's large object) must not get in the way
        AzureLikeBackupRole.grantAllLargeObjects();
    }

    @AfterEach
    void cleanup() {
        TestServices.sql("postgres", "DROP DATABASE IF EXISTS " + DB + " WITH (FORCE)");
        AzureLikeBackupRole.drop();
        TestServices.sql("postgres", "DROP ROLE IF EXISTS " + OWNER);
    }

    @Test
    void aTableWithRowLevelSecurityIsRefusedUntilTheRoleHasBypassRls() {
        rowSecurityTable();

        Violation v = refusal("public.tenant_data");
        assertTrue(v.hint().startsWith("ALTER ROLE \"" + ROLE + "\" BYPASSRLS;"), v.hint());
        assertTrue(v.hint().contains("15 and older (this server runs 15) nobody can run it"), v.hint());
        assertTrue(v.evidence().contains("owners: " + OWNER), v.evidence());

        TestServices.sql("postgres", "ALTER ROLE \"" + ROLE + "\" BYPASSRLS;");
        assertCommits();
    }

    @Test
    void aLargeObjectOfAnotherOwnerIsRefusedUntilItsOwnerGrantsSelect() {
        AzureLikeBackupRole.grantBypassRls();
        long oid = largeObject();

        Violation v = refusal(Long.toString(oid));
        String grant = "GRANT SELECT ON LARGE OBJECT " + oid + " TO \"" + ROLE + "\";";
        assertTrue(v.hint().contains(grant), v.hint());
        assertTrue(v.hint().contains("lo_compat_privileges"), v.hint());
        assertFalse(v.hint().contains("pg_read_all_data TO"), "pg_read_all_data does not cover large objects: " + v);

        TestServices.sql(DB, grant); // the HINT's own SQL, as the owner would run it
        assertCommits();
    }

    @Test
    void aTableTheRoleMayNotSelectIsRefusedUntilPgReadAllDataIsGranted() {
        AzureLikeBackupRole.grantBypassRls();
        TestServices.sql("postgres", "REVOKE pg_read_all_data FROM " + ROLE);
        TestServices.sql(DB, "CREATE SCHEMA private AUTHORIZATION " + OWNER, "CREATE TABLE private.ledger (n int)",
                "ALTER TABLE private.ledger OWNER TO " + OWNER);

        Violation v = refusal("private.ledger");
        assertTrue(v.hint().startsWith("GRANT pg_read_all_data TO \"" + ROLE + "\";"), v.hint());

        TestServices.sql("postgres", "GRANT pg_read_all_data TO \"" + ROLE + "\";");
        assertCommits();
    }

    @Test
    void allThreeGapsAtOnceShowInOnePreflightTable() {
        rowSecurityTable();
        long oid = largeObject();
        TestServices.sql("postgres", "REVOKE pg_read_all_data FROM " + ROLE);

        Verdict verdict = backups.preflight(BackupType.FULL, Instant.now()).verdict();

        List<Violation> mine = verdict.violationsOf("dump-privileges").stream()
                .filter(x -> x.evidence().contains("database \"" + DB + "\"")).toList();
        assertEquals(3, mine.size(), verdict.renderTable());
        String table = verdict.renderTable();
        assertTrue(table.contains("public.tenant_data") && table.contains(Long.toString(oid))
                && table.contains("public.plain"), table);
        System.out.println("dump-privileges preflight as " + ROLE + ":\n" + table);
    }

    @Test
    void atDumpTimeTheLargeObjectAndRowSecurityFailuresCarryTheirOwnHints() {
        long oid = largeObject();
        PgvaultException lo = Errors.assertKind(ErrorKind.DUMP_FAILED, this::dump);
        assertTrue(lo.evidence().contains("permission denied for large object " + oid), lo.evidence());
        assertTrue(lo.hint().contains("GRANT SELECT ON LARGE OBJECT " + oid + " TO \"" + ROLE + "\";"), lo.hint());
        assertFalse(lo.hint().contains("pg_read_all_data TO"), "the wrong HINT is gone: " + lo.hint());

        TestServices.sql(DB, "SELECT lo_unlink(" + oid + ")");
        rowSecurityTable();
        PgvaultException rls = Errors.assertKind(ErrorKind.DUMP_FAILED, this::dump);
        assertTrue(rls.evidence().contains("row-level security policy for table \"tenant_data\""), rls.evidence());
        assertTrue(rls.hint().contains("ALTER ROLE \"" + ROLE + "\" BYPASSRLS;"), rls.hint());
    }

    /** pg_dump of the test database as pgvault's role, straight through DumpProcess (as a backup runs it). */
    private void dump() {
        ProcessBuilder pb = tools.command(DB, "pg_dump", List.of("--format=custom", "--no-password"));
        DumpProcess.run(pb, "database \"" + DB + "\"", new ByteArrayOutputStream(), Duration.ofMinutes(2), n -> { },
                p -> { });
    }

    private void rowSecurityTable() {
        TestServices.sql(DB, "CREATE TABLE public.tenant_data (tenant text, secret bytea)",
                "INSERT INTO public.tenant_data VALUES ('a', '\\x00')",
                "ALTER TABLE public.tenant_data ENABLE ROW LEVEL SECURITY",
                "CREATE POLICY own ON public.tenant_data USING (tenant = current_user)",
                "ALTER TABLE public.tenant_data OWNER TO " + OWNER);
    }

    private static long largeObject() {
        try (Connection c = TestServices.connect(TestServices.pgPort(), DB); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT lo_from_bytea(0, '\\xcafe')")) {
            rs.next();
            long oid = rs.getLong(1);
            st.execute("ALTER LARGE OBJECT " + oid + " OWNER TO " + OWNER);
            return oid;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The backup is refused with a dump-privileges error naming {@code object} in DB, and writes nothing. */
    private Violation refusal(String object) {
        MatrixRefusedException e = assertThrows(MatrixRefusedException.class, () -> backups.backup(BackupType.FULL));
        Violation v = e.verdict().violationsOf("dump-privileges").stream()
                .filter(x -> x.evidence().contains("database \"" + DB + "\"") && x.evidence().contains(object))
                .findFirst().orElseThrow(() -> new AssertionError("no violation names " + object + ": " + e.render()));
        assertTrue(e.render().contains("HINT:"), e.render());
        List<JobRecord> all = jobs.list("test-pg");
        assertEquals(JobRecord.REFUSED, all.get(0).state(), all::toString);
        assertEquals(List.of(), TestServices.vaultBlobs().stream().filter(n -> !n.startsWith("test-pg/.jobs/")
                && !n.equals(".status/test-pg.json")).toList(), "a refused backup writes nothing but its job record and status");
        return v;
    }

    private void assertCommits() {
        Manifest m = backups.backup(BackupType.FULL).manifest();
        assertTrue(m.databaseFiles().stream().anyMatch(f -> DB.equals(f.database())), m.databaseFiles()::toString);
    }
}
