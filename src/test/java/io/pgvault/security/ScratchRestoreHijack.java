package io.pgvault.security;

import io.pgvault.backup.BackupService;
import io.pgvault.jobs.JobRecord;
import io.pgvault.matrix.BackupType;
import io.pgvault.testing.TestServices;
import io.pgvault.verify.VerifyAccepted;
import io.pgvault.verify.VerifyRequest;
import io.pgvault.verify.VerifyService;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A verify's test restore of a backup whose database holds a table with a CHECK constraint calling its owner's
 * plpgsql function: restoring the rows runs the function once per row (it stays dormant in its own database, where
 * the attacker's own inserts run it). The function first runs {@code RESET ROLE}
 * (which would undo {@code pg_restore --role} and go on as pgvault's login), then tries {@code ALTER ROLE attacker
 * SUPERUSER} and {@code CREATEROLE}, then records who ran it — {@code current_user}, {@code session_user} and the
 * scratch database's owner — as a setting of the running role ({@code ALTER ROLE CURRENT_USER SET application_name},
 * which any role may do to itself, and which outlives the scratch database). Asserted: the restore succeeds, the
 * attacker gained nothing, the function ran only as the scratch role in a database that role owns, never as
 * pgvault's role, the scratch database is dropped and the role is NOLOGIN with no password again.
 *
 * <p>Run as the test server's superuser ({@link ScratchRestoreHijackTest}) and as an Azure-like CREATEROLE admin
 * ({@link ScratchRestoreHijackAsAzureAdminTest}).
 */
abstract class ScratchRestoreHijack {

    static final String DB = "sec_check_hijack";
    static final String SCRATCH_DB = "pgvault_verify_scratch";
    static final String SCRATCH_ROLE = "pgvault_scratch";
    static final String MARK = "hijack:";

    @Inject
    BackupService backups;

    @Inject
    VerifyService verifies;

    /** pgvault's login role in this run. */
    abstract String pgvaultRole();

    @BeforeEach
    void hostileBackup() {
        TestServices.resetVault();
        dropScratch();
        Hostile.createRoles();
        Hostile.createDatabase(DB);
        Hostile.asAttacker(DB, "CREATE FUNCTION public.row_ok(id int) RETURNS boolean LANGUAGE plpgsql AS $f$\n"
                        + "BEGIN\n"
                        // Dormant in its own database (the attacker inserts the rows): it fires where it is restored.
                        + "  IF pg_catalog.current_database() = '" + DB + "' THEN RETURN true; END IF;\n"
                        + "  BEGIN EXECUTE 'RESET ROLE'; EXCEPTION WHEN OTHERS THEN NULL; END;\n"
                        + "  BEGIN EXECUTE 'ALTER ROLE " + Hostile.ATTACKER + " SUPERUSER'; EXCEPTION WHEN OTHERS THEN NULL; END;\n"
                        + "  BEGIN EXECUTE 'ALTER ROLE " + Hostile.ATTACKER + " CREATEROLE'; EXCEPTION WHEN OTHERS THEN NULL; END;\n"
                        + "  BEGIN EXECUTE pg_catalog.format('ALTER ROLE CURRENT_USER SET application_name = %L',\n"
                        + "      '" + MARK + "' || current_user || '/' || session_user || '/' || (SELECT pg_catalog.pg_get_userbyid(datdba)\n"
                        + "       FROM pg_catalog.pg_database WHERE datname = pg_catalog.current_database()));\n"
                        + "    EXCEPTION WHEN OTHERS THEN NULL; END;\n"
                        + "  RETURN true;\n"
                        + "END $f$",
                "CREATE TABLE public.guarded (id int CHECK (public.row_ok(id)))",
                "INSERT INTO public.guarded SELECT g FROM generate_series(1, 5) g");
        assertEquals(List.of(), Hostile.escalatedAttributes());
        assertEquals(Map.of(), records());
        var backup = takeBackup();
        assertTrue(backup.manifest().databaseFiles().stream().anyMatch(f -> f.database().equals(DB)));
    }

    /** The backup the verify checks. */
    BackupService.BackupResult takeBackup() {
        return backups.backup(BackupType.FULL);
    }

    @AfterEach
    void cleanup() {
        Map<String, String> records = records();
        for (String role : records.keySet()) {
            TestServices.sql("postgres", "ALTER ROLE " + TestServices.ident(role) + " RESET application_name");
        }
        Hostile.dropAll(DB);
        dropScratch();
    }

    @Test
    void theRestoredDumpsCodeRunsOnlyAsTheScratchRoleAndCannotEscalate() {
        JobRecord job = verify();

        assertEquals(JobRecord.SUCCEEDED, job.state(), () -> String.valueOf(job.error()));
        assertEquals(List.of(), Hostile.escalatedAttributes(), "the restored CHECK function escalated its owner");
        String ran = MARK + SCRATCH_ROLE + "/" + SCRATCH_ROLE + "/" + SCRATCH_ROLE;
        assertEquals(Map.of(SCRATCH_ROLE, ran), records(),
                "the CHECK function ran during the restore (else this test proves nothing), as the scratch role — "
                        + "current_user and session_user — in a database it owns; never as " + pgvaultRole());
        assertFalse(databaseExists(SCRATCH_DB), "the scratch database is dropped again");
        assertEquals(List.of(), Hostile.attributes(SCRATCH_ROLE), "the scratch role is NOLOGIN and bare again");
        assertFalse(hasPassword(SCRATCH_ROLE), "the one-time password is gone");
        assertEquals(List.of(), memberships(SCRATCH_ROLE), "the scratch role is a member of nothing");
    }

    JobRecord verify() {
        VerifyAccepted a = verifies.start(new VerifyRequest("test-pg", "latest", true));
        try {
            return verifies.await("test-pg", List.of(a.verifyId()), Duration.ofMinutes(3)).get(0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Roles with the function's record, and the record: who ran it. */
    static Map<String, String> records() {
        Map<String, String> out = new TreeMap<>();
        String sql = "SELECT r.rolname, c FROM pg_db_role_setting s JOIN pg_roles r ON r.oid = s.setrole, "
                + "unnest(s.setconfig) c WHERE c LIKE 'application_name=" + MARK + "%'";
        query(sql, rs -> out.put(rs.getString(1), rs.getString(2).substring("application_name=".length())));
        return out;
    }

    static boolean databaseExists(String name) {
        boolean[] found = {false};
        query("SELECT 1 FROM pg_database WHERE datname = '" + name + "'", rs -> found[0] = true);
        return found[0];
    }

    static boolean hasPassword(String role) {
        boolean[] found = {false};
        query("SELECT 1 FROM pg_authid WHERE rolname = '" + role + "' AND rolpassword IS NOT NULL", rs -> found[0] = true);
        return found[0];
    }

    static List<String> memberships(String role) {
        List<String> out = new java.util.ArrayList<>();
        query("SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles r "
                + "ON r.oid = m.member WHERE r.rolname = '" + role + "'", rs -> out.add(rs.getString(1)));
        return out;
    }

    static void dropScratch() {
        TestServices.sql("postgres", "DROP DATABASE IF EXISTS " + SCRATCH_DB + " WITH (FORCE)",
                "DROP ROLE IF EXISTS " + SCRATCH_ROLE);
    }

    interface Row {
        void accept(ResultSet rs) throws SQLException;
    }

    static void query(String sql, Row row) {
        try (Connection c = TestServices.connect(TestServices.pgPort(), "postgres"); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                row.accept(rs);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
