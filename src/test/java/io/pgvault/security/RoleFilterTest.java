package io.pgvault.security;

import io.pgvault.roles.RoleFilter;
import io.pgvault.roles.SqlScanner;
import io.pgvault.roles.SqlSyntaxException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The role filter's rules on statements (the same rules the awk in restore.sh had), and the attacks on the awk:
 * a role name that carries SQL across a line break must stay one name, and a dropped statement must be dropped
 * whole, never leaving its second line behind as a statement of its own.
 */
class RoleFilterTest {

    static List<String> kept(String script, boolean keepSuperuser) {
        return RoleFilter.filter(SqlScanner.scan(script), keepSuperuser).statements().stream()
                .map(RoleFilter.Kept::text).toList();
    }

    @Test
    void reservedAndPgRolesAndTheirGrantsAreDropped() {
        String script = """
                CREATE ROLE azuresu;
                ALTER ROLE azuresu WITH SUPERUSER LOGIN;
                CREATE ROLE "replication";
                CREATE ROLE azure_pg_admin;
                ALTER ROLE pg_monitor SET work_mem = '1MB';
                GRANT azure_pg_admin TO app GRANTED BY postgres;
                GRANT app TO bob GRANTED BY azuresu;
                GRANT pg_read_all_data TO bob GRANTED BY postgres;
                CREATE ROLE app;
                """;
        assertEquals(List.of("GRANT pg_read_all_data TO bob GRANTED BY postgres;", "CREATE ROLE app;"),
                kept(script, false));
        assertEquals(kept(script, false), kept(script, true), "reserved roles are dropped whatever the attributes");
    }

    @Test
    void superuserReplicationAndBypassrlsBecomeTheirNoFormsOnlyAsOptionWords() {
        String script = """
                ALTER ROLE a WITH SUPERUSER INHERIT REPLICATION LOGIN BYPASSRLS VALID UNTIL 'SUPERUSER';
                ALTER ROLE "SUPERUSER x" WITH NOSUPERUSER LOGIN;
                ALTER ROLE b SET search_path = superuser;
                CREATE ROLE c superuser IN ROLE superuser;
                """;
        assertEquals(List.of(
                "ALTER ROLE a WITH NOSUPERUSER INHERIT NOREPLICATION LOGIN NOBYPASSRLS VALID UNTIL 'SUPERUSER';",
                "ALTER ROLE \"SUPERUSER x\" WITH NOSUPERUSER LOGIN;",
                "ALTER ROLE b SET search_path = superuser;",
                "CREATE ROLE c NOsuperuser IN ROLE superuser;"), kept(script, false));
        assertEquals(List.of(script.strip().split("\n")), kept(script, true), "--keep-superuser keeps them");
    }

    @Test
    void roleStatementsCarryTheirRoleAndTheConnectingRoleIsNeverNamed() {
        var result = RoleFilter.filter(SqlScanner.scan(
                "CREATE ROLE \"Odd\nname\";\nALTER ROLE CURRENT_USER WITH NOLOGIN;\nCOMMENT ON ROLE x IS 'y';\n"), false);
        assertEquals(2, result.statements().size());
        assertEquals("Odd\nname", result.statements().get(0).role());
        assertEquals(null, result.statements().get(1).role(), "a comment is not guarded");
    }

    @Test
    void anIdentifierCarryingSqlOverALineBreakStaysOneName() {
        String script = "CREATE ROLE \"replicationX\nGRANT pg_execute_server_program TO bob;--\";\n"
                + "ALTER ROLE \"replicationX\nGRANT pg_execute_server_program TO bob;--\" WITH NOSUPERUSER NOLOGIN;\n";
        List<String> out = kept(script, false);
        assertEquals(2, out.size(), out.toString());
        for (String st : out) {
            assertTrue(st.startsWith("CREATE ROLE \"replicationX\n") || st.startsWith("ALTER ROLE \"replicationX\n"), st);
        }
        String psql = psql(script);
        assertFalse(psql.contains("\nGRANT pg_execute_server_program TO bob;--\n"), "no line of its own:\n" + psql);
    }

    @Test
    void aDroppedGrantIsDroppedWholeNotItsFirstLine() {
        String script = "GRANT replication TO \"y\nALTER ROLE bob SUPERUSER;--\" GRANTED BY postgres;\nSELECT 1;\n";
        assertEquals(List.of("SELECT 1;"), kept(script, false));
        assertFalse(psql(script).contains("ALTER ROLE bob"), psql(script));
    }

    @Test
    void thePsqlScriptGuardsEachRolesStatementsWithAnEscapedLiteral() {
        String psql = psql("CREATE ROLE \"it's \\ \"\"odd\"\"\n\";\nALTER ROLE \"it's \\ \"\"odd\"\"\n\" WITH LOGIN;\n"
                + "CREATE ROLE b;\n");
        String odd = "E'it\\'s \\\\ \"odd\"\\x0a'";
        String guardOdd = "SELECT current_user <> " + odd + " AND NOT EXISTS (SELECT 1 FROM pg_roles WHERE oid = 10 AND "
                + "rolname = " + odd + ") AS pgvault_other_role, NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = " + odd
                + ") AS pgvault_new_role \\gset\n\\if :pgvault_other_role\n";
        assertTrue(psql.contains(guardOdd + "\\if :pgvault_new_role\nCREATE ROLE \"it's \\ \"\"odd\"\"\n\";\n\\endif\n"
                + "ALTER ROLE"), psql);
        assertEquals(2, psql.split("\\\\if :pgvault_other_role", -1).length - 1, "one guard per run of statements "
                + "about one role: " + psql);
        assertEquals(4, psql.split("\\\\endif", -1).length - 1, "two guards, two CREATE ROLE: " + psql);
    }

    @Test
    void restrictLinesAreDroppedAndOtherPsqlCommandsRefused() {
        assertEquals(List.of("SELECT 1;"), kept("\\restrict Ab9\nSELECT 1;\n\\unrestrict Ab9\n", false));
        SqlSyntaxException e = assertThrows(SqlSyntaxException.class,
                () -> kept("SELECT 1;\n\\! touch /tmp/pgvault-pwned\n", false));
        assertEquals(2, e.line());
        assertTrue(e.reason().contains("psql command"), e.getMessage());
    }

    @Test
    void forANonSuperuserAdminAttributesAndGrantorsAreLeftOutAndSourceSuperusersNotRecreated() {
        String script = """
                CREATE ROLE app;
                ALTER ROLE app WITH NOSUPERUSER INHERIT NOREPLICATION LOGIN NOBYPASSRLS;
                CREATE ROLE dba;
                ALTER ROLE dba WITH SUPERUSER INHERIT LOGIN;
                ALTER ROLE app SET search_path = superuser;
                GRANT app TO bob GRANTED BY postgres;
                GRANT app TO dba GRANTED BY postgres;
                GRANT app TO "granted by x" WITH ADMIN OPTION GRANTED BY "odd grantor";
                GRANT "SUPERUSER x" TO bob;
                """;
        var result = RoleFilter.filter(SqlScanner.scan(script), false);
        assertEquals(java.util.Set.of("dba"), result.superusers(), "the source's superusers");
        assertEquals(java.util.Arrays.asList(null, "ALTER ROLE app WITH INHERIT LOGIN;", null,
                "ALTER ROLE dba WITH INHERIT LOGIN;", null, "GRANT app TO bob;", "",
                "GRANT app TO \"granted by x\" WITH ADMIN OPTION;", null),
                result.statements().stream().map(RoleFilter.Kept::asAdmin).toList());
        assertEquals("ALTER ROLE app WITH NOSUPERUSER INHERIT NOREPLICATION LOGIN NOBYPASSRLS;",
                result.statements().get(1).text(), "a superuser still runs the NO... forms");
        assertTrue(RoleFilter.filter(SqlScanner.scan(script), true).statements().stream()
                .allMatch(k -> k.asAdmin() == null), "--keep-superuser has no admin forms");
    }

    @Test
    void thePsqlScriptForAdminsPicksTheAdminFormSkipsSuperusersAndJoinsEachRole() {
        String script = "CREATE ROLE \"it's \\ \"\"odd\"\"\n\";\nALTER ROLE \"it's \\ \"\"odd\"\"\n\" WITH NOSUPERUSER LOGIN;\n"
                + "CREATE ROLE dba;\nALTER ROLE dba WITH SUPERUSER;\nGRANT app TO dba GRANTED BY postgres;\n";
        var result = RoleFilter.filter(SqlScanner.scan(script), false);
        String psql = RoleFilter.toPsql(result, "", true);
        assertTrue(psql.startsWith("SELECT rolsuper AS pgvault_superuser FROM pg_roles WHERE rolname = current_user "
                + "\\gset\n"), psql);
        assertTrue(psql.contains("\\if :pgvault_superuser\nALTER ROLE \"it's \\ \"\"odd\"\"\n\" WITH NOSUPERUSER LOGIN;\n"
                + "\\else\nALTER ROLE \"it's \\ \"\"odd\"\"\n\" WITH LOGIN;\n\\endif"), psql);
        assertTrue(psql.contains("AND NOT pg_has_role(current_user, r.oid, CASE WHEN current_setting('server_version_num')"
                + "::int >= 160000 THEN 'SET' ELSE 'MEMBER' END)) AS pgvault_join_role \\gset\n"),
                "joins unless it can act as the role (MEMBER on 15, SET from 16): " + psql);
        assertTrue(psql.contains("\\if :pgvault_join_role\nGRANT \"it's \\ \"\"odd\"\"\n\" TO CURRENT_USER;\n\\endif"),
                "the admin joins the role, its name quoted: " + psql);
        assertTrue(psql.contains("rolname = E'dba') AND (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) "
                + "AS pgvault_other_role"), "a source superuser is for superusers only: " + psql);
        assertTrue(psql.contains("rolname = E'it\\'s \\\\ \"odd\"\\x0a' AND rolsuper)) AS pgvault_other_role"),
                "a role that is a superuser on the target is skipped for admins: " + psql);
        assertTrue(psql.contains("\\if :pgvault_superuser\nGRANT app TO dba GRANTED BY postgres;\n\\endif"),
                "a grant to a source superuser runs for superusers only: " + psql);
        assertFalse(RoleFilter.toPsql(result, "").contains("pgvault_superuser"), "the superuser-only script is as it was");
    }

    static String psql(String script) {
        return RoleFilter.toPsql(RoleFilter.filter(SqlScanner.scan(script), false), "");
    }
}
