package io.pgvault.matrix;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code dump-privileges} rule over plain facts: one violation per gap, each with the objects and the SQL fix. */
class DumpPrivilegesTest {

    private static Verdict judge(int major, ReadGap... gaps) {
        Facts f = Facts.backup();
        f.serverMajor = major;
        f.serverVersion = major + ".4";
        f.pgDumpMajor = Math.max(16, major);
        f.privileges = new PrivilegeFacts("pgvault_backup", false, false, false, List.of(gaps));
        return new SupportMatrix(MatrixPolicy.defaults()).judgeBackup(f.build());
    }

    @Test
    void noGapsNoViolation() {
        Verdict v = judge(16);
        assertFalse(v.violates("dump-privileges"), v.renderTable());
        assertTrue(v.allowed());
    }

    @Test
    void tablesWithoutSelectNameTheFirstFewAndTheCountAndGrantPgReadAllData() {
        Verdict v = judge(15, new ReadGap(ReadGap.Kind.NO_SELECT, "app",
                List.of("public.a", "public.b", "public.c", "public.d", "public.e"), 12, List.of("app_owner")));
        Violation x = v.violationsOf("dump-privileges").get(0);
        assertEquals(Severity.ERROR, x.severity());
        assertFalse(v.allowed());
        assertTrue(x.problem().contains("cannot read 12 table(s) or sequence(s) of database \"app\""), x.problem());
        assertTrue(x.evidence().contains("public.a, public.b, public.c, public.d, public.e, … (12 in all)"),
                x.evidence());
        assertTrue(x.hint().startsWith("GRANT pg_read_all_data TO \"pgvault_backup\";"), x.hint());
    }

    @Test
    void beforePostgres14TheHintGrantsPerSchema() {
        Verdict v = judge(13, new ReadGap(ReadGap.Kind.NO_SELECT, "app", List.of("public.a"), 1, List.of("o")));
        String hint = v.violationsOf("dump-privileges").get(0).hint();
        assertTrue(hint.contains("GRANT SELECT ON ALL TABLES IN SCHEMA S TO \"pgvault_backup\";"), hint);
        assertFalse(hint.contains("GRANT pg_read_all_data"), hint);
    }

    @Test
    void rowSecuritySaysWhoMayGiveBypassRlsByMajorVersion() {
        ReadGap rls = new ReadGap(ReadGap.Kind.ROW_SECURITY, "app", List.of("public.tenant_data"), 1,
                List.of("app_owner"));
        String on15 = judge(15, rls).violationsOf("dump-privileges").get(0).hint();
        String on16 = judge(16, rls).violationsOf("dump-privileges").get(0).hint();
        assertTrue(on15.startsWith("ALTER ROLE \"pgvault_backup\" BYPASSRLS;"), on15);
        assertTrue(on15.contains("15 and older (this server runs 15) nobody can run it"), on15);
        assertTrue(on16.contains("16 and newer (this server runs 16) the server admin"), on16);
        Violation x = judge(16, rls).violationsOf("dump-privileges").get(0);
        assertTrue(x.evidence().contains("public.tenant_data (1 in all)") && x.evidence().contains("app_owner"),
                x.evidence());
    }

    @Test
    void fewLargeObjectsGetOneGrantEachManyGetALoop() {
        String few = judge(16, new ReadGap(ReadGap.Kind.LARGE_OBJECT, "app", List.of("16400", "16401"), 2,
                List.of("app_owner"))).violationsOf("dump-privileges").get(0).hint();
        assertTrue(few.contains("GRANT SELECT ON LARGE OBJECT 16400 TO \"pgvault_backup\"; GRANT SELECT ON LARGE"
                + " OBJECT 16401 TO \"pgvault_backup\";"), few);
        assertTrue(few.contains("lo_compat_privileges"), few);
        assertTrue(few.contains("As their owner (app_owner)"), few);
        String many = judge(16, new ReadGap(ReadGap.Kind.LARGE_OBJECT, "app",
                List.of("1", "2", "3", "4", "5"), 900, List.of("a", "b"))).violationsOf("dump-privileges").get(0).hint();
        assertTrue(many.contains("DO $$") && many.contains("GRANT SELECT ON LARGE OBJECT %s TO %s"), many);
        assertFalse(many.contains("LARGE OBJECT 1 TO"), many);
    }

    @Test
    void everyGapIsAViolationAndOtherRulesStillRun() {
        Facts f = Facts.backup();
        f.inRecovery = true;
        f.privileges = new PrivilegeFacts("r", false, false, false, List.of(
                new ReadGap(ReadGap.Kind.GLOBALS, "postgres", List.of("pg_catalog.pg_auth_members"), 1, null),
                new ReadGap(ReadGap.Kind.CONNECT, "app", List.of("app"), 1, List.of("app_owner")),
                new ReadGap(ReadGap.Kind.ROW_SECURITY, "app", List.of("public.t"), 1, List.of("o"))));
        Verdict v = new SupportMatrix(MatrixPolicy.defaults()).judgeBackup(f.build());
        assertEquals(3, v.violationsOf("dump-privileges").size(), v.renderTable());
        assertTrue(v.violates("primary-only"), v.renderTable());
        assertTrue(v.renderErrors().contains("GRANT SELECT ON pg_catalog.pg_auth_members TO \"r\";"), v.renderErrors());
        assertTrue(v.renderErrors().contains("GRANT CONNECT ON DATABASE \"app\" TO \"r\";"), v.renderErrors());
    }
}
