package io.pgvault.restore;

import io.pgvault.backup.BackupService;
import io.pgvault.matrix.BackupType;
import io.pgvault.testing.TestServices;
import io.pgvault.vault.Manifest;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.pgvault.testing.TestServices.ident;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The restore kit run by a target admin like Azure's (LOGIN CREATEDB CREATEROLE, member of {@code azure_pg_admin} —
 * a plain NOLOGIN role here, Azure itself is not emulated — never a superuser) into the fresh second PostgreSQL 15.
 * The source has objects owned by its superuser {@code postgres} (tables, a function, a large object, default
 * privileges, a database), by a second superuser {@code ar_dba} (whose name is free on the target) and by application
 * roles. restore.sh must exit 0; the admin becomes a member of the roles
 * it creates, so the application roles own their objects again; what the source's superusers owned is owned by the
 * admin (they are not recreated), and restore.sh says so. pg_dump of source and target must then differ by exactly that documented mapping.
 */
@QuarkusTest
class AdminRestoreTest {

    static final String DB = "ar_shop";
    static final String SUPER_DB = "ar_super_db";
    static final String OWNER = "ar_owner";
    static final String APP = "ar_app";
    static final String DBA = "ar_dba";
    static final String ADMIN = "ar_admin";
    static final String ADMIN_PASSWORD = "ar-admin-login";

    @Inject
    BackupService backups;

    @AfterEach
    void cleanUp() throws Exception {
        for (String db : List.of(DB, SUPER_DB)) {
            TestServices.sql("postgres", "DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
        }
        // restore.sh restores every database of the backup (other tests' too), owned by the admin where mapped
        for (String db : RestoreKitTest.userDatabases(TestServices.targetPgPort())) {
            TestServices.sqlOn(TestServices.targetPgPort(), "postgres", "DROP DATABASE " + ident(db) + " WITH (FORCE)");
        }
        // what the admin may own in the target's postgres database, then the roles
        TestServices.sqlOn(TestServices.targetPgPort(), "postgres", "DO $$BEGIN IF EXISTS (SELECT FROM pg_roles "
                + "WHERE rolname = '" + ADMIN + "') THEN EXECUTE 'DROP OWNED BY " + ADMIN + "'; END IF; END$$");
        for (int port : List.of(TestServices.pgPort(), TestServices.targetPgPort())) {
            for (String role : List.of(APP, OWNER, DBA, ADMIN)) {
                TestServices.sqlOn(port, "postgres", "DROP ROLE IF EXISTS " + role);
            }
        }
    }

    private void source() {
        cleanUpQuietly();
        TestServices.sql("postgres", "CREATE ROLE " + OWNER + " NOLOGIN", "CREATE ROLE " + APP + " LOGIN",
                "GRANT " + OWNER + " TO " + APP, "CREATE ROLE " + DBA + " SUPERUSER LOGIN", "GRANT " + OWNER + " TO " + DBA,
                "CREATE DATABASE " + DB + " OWNER " + OWNER, "CREATE DATABASE " + SUPER_DB);
        TestServices.sql(DB,
                // owned by the superuser: the restoring admin can never be a member of it
                "CREATE TABLE public.audit (id int PRIMARY KEY, what text)",
                "INSERT INTO public.audit SELECT g, 'event ' || g FROM generate_series(1, 200) g",
                "COMMENT ON TABLE public.audit IS 'kept by the superuser'",
                "GRANT SELECT ON public.audit TO " + APP,
                "CREATE FUNCTION public.audit_count() RETURNS bigint LANGUAGE sql AS 'SELECT count(*) FROM public.audit'",
                "SELECT lo_from_bytea(0, convert_to('superuser large object', 'UTF8'))",
                "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO " + APP,
                // owned by a second superuser, whose name is free on the target
                "SET ROLE " + DBA,
                "CREATE TABLE public.dba_notes (note text)",
                "INSERT INTO public.dba_notes VALUES ('one'), ('two')",
                "RESET ROLE",
                // owned by application roles: they must own them again
                "CREATE SCHEMA shop AUTHORIZATION " + OWNER,
                "SET ROLE " + OWNER,
                "CREATE SEQUENCE shop.order_no START 1000",
                "CREATE TABLE shop.orders (id bigint PRIMARY KEY DEFAULT nextval('shop.order_no'), item text, qty int)",
                "INSERT INTO shop.orders (item, qty) SELECT 'item ' || g, g FROM generate_series(1, 300) g",
                "CREATE INDEX ON shop.orders (item)",
                "GRANT SELECT ON shop.orders TO " + APP,
                "SELECT lo_from_bytea(0, convert_to('owner large object', 'UTF8'))",
                "ALTER DEFAULT PRIVILEGES FOR ROLE " + OWNER + " IN SCHEMA shop GRANT SELECT ON TABLES TO " + APP,
                "RESET ROLE",
                "SET ROLE " + APP,
                "CREATE VIEW public.big_orders AS SELECT id, item FROM shop.orders WHERE qty > 100",
                "RESET ROLE");
        TestServices.sql(SUPER_DB, "CREATE TABLE public.settings (k text PRIMARY KEY, v text)",
                "INSERT INTO public.settings VALUES ('a', '1'), ('b', '2')");
    }

    private void cleanUpQuietly() {
        try {
            cleanUp();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The fresh target: no user database; the admin as Azure makes it, and azure_pg_admin. */
    private static void target() throws Exception {
        for (String db : RestoreKitTest.userDatabases(TestServices.targetPgPort())) {
            TestServices.sqlOn(TestServices.targetPgPort(), "postgres", "DROP DATABASE " + ident(db) + " WITH (FORCE)");
        }
        TestServices.sqlOn(TestServices.targetPgPort(), "postgres",
                "DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname='azure_pg_admin') THEN "
                        + "CREATE ROLE azure_pg_admin NOLOGIN; END IF; END$$",
                "CREATE ROLE " + ADMIN + " LOGIN CREATEDB CREATEROLE PASSWORD '" + ADMIN_PASSWORD + "'",
                "GRANT azure_pg_admin TO " + ADMIN);
    }

    @Test
    void aNonSuperuserAdminRestoresWithOwnersAndTheSuperusersObjectsMappedToItself() throws Exception {
        source();
        target();
        TestServices.resetVault();
        Manifest m = backups.backup(BackupType.FULL).manifest();
        assertTrue(m.databaseFiles().stream().anyMatch(f -> DB.equals(f.database())), m::toString);

        String container = RestoreClient.newContainer("ar");
        JsonPath end = RestoreClient.awaitEnd(RestoreClient.accepted(Map.of("server", RestoreClient.SERVER,
                "backupId", m.backupId(), "targetContainerUrl", RestoreClient.url(container))).getString("restoreId"),
                Duration.ofMinutes(3));
        assertEquals("Succeeded", end.getString("state"), end.prettify());
        Path dir = TestServices.downloadTarget(container, RestoreClient.SERVER + "/" + m.backupId() + "/");

        var kit = TestServices.run(TestServices.targetPgPort(), dir, Map.of("PGUSER", ADMIN, "PGPASSWORD",
                ADMIN_PASSWORD), "bash", "restore.sh", "--jobs", "2");
        String output = kit.stdout() + kit.stderr();
        Files.writeString(Path.of("target", "admin-restore-output.txt"), output);
        assertEquals(0, kit.exit(), "restore.sh as a non-superuser admin failed:\n" + output);
        for (String superuser : List.of("postgres", DBA)) {
            assertTrue(output.contains("objects owned by " + superuser + " are restored owned by " + ADMIN),
                    "restore.sh names the mapping of " + superuser + ":\n" + output);
        }
        assertTrue(output.contains("default privileges of postgres"), "and the default privileges it left out:\n"
                + output);
        assertTrue(!output.contains("ERROR"), "no SQL error on the way:\n" + output);

        String source = TestServices.plainDump(TestServices.pgPort(), DB);
        assertTrue(source.contains("OWNER TO postgres;") && source.contains("OWNER TO " + OWNER + ";")
                && source.contains("OWNER TO " + APP + ";"), "the source has objects of all three owners:\n" + source);
        String restored = TestServices.plainDump(TestServices.targetPgPort(), DB);
        assertNotEquals(source, restored, "the superuser's objects cannot keep their owner on this target");
        assertEquals(mapped(source), restored, "the only difference is the documented ownership mapping");
        assertEquals(mapped(TestServices.plainDump(TestServices.pgPort(), SUPER_DB)),
                TestServices.plainDump(TestServices.targetPgPort(), SUPER_DB), SUPER_DB);
        assertEquals(OWNER, databaseOwner(DB), "the database keeps its application owner");
        assertEquals(ADMIN, databaseOwner(SUPER_DB), "the superuser's database is the admin's");
        assertEquals(List.of("t", "t", "f"), List.of(target("SELECT rolcanlogin FROM pg_roles WHERE rolname = '" + APP + "'"),
                target("SELECT pg_has_role('" + APP + "', '" + OWNER + "', 'MEMBER')"),
                target("SELECT count(*) > 0 FROM pg_roles WHERE rolname = '" + DBA + "'")),
                "the application roles are restored with their attributes and membership; the source's second "
                        + "superuser is not recreated by the admin");
        assertEquals("t", target("SELECT pg_has_role('" + ADMIN + "', '" + OWNER + "', 'MEMBER')"),
                "the admin is a member of the roles it created");
    }

    /**
     * The source dump as the documented mapping makes it: what the superusers postgres and ar_dba owned is owned by
     * the admin, and the default privileges postgres had (ALTER DEFAULT PRIVILEGES FOR ROLE postgres, which only
     * postgres may run) are left out.
     */
    static String mapped(String dump) {
        String out = dump.replace(" OWNER TO " + DBA + ";", " OWNER TO postgres;").replace("; Owner: " + DBA + "\n",
                "; Owner: postgres\n");
        out = out.replaceAll("(?m)^--\n-- Name: DEFAULT PRIVILEGES FOR [A-Z]+; Type: DEFAULT ACL; Schema: [^;]*; "
                + "Owner: postgres\n--\n\nALTER DEFAULT PRIVILEGES FOR ROLE postgres [^\n]*\n\n\n", "");
        return out.replace(" OWNER TO postgres;", " OWNER TO " + ADMIN + ";")
                .replace("; Owner: postgres\n", "; Owner: " + ADMIN + "\n");
    }

    private static String target(String query) throws Exception {
        try (Connection c = TestServices.connect(TestServices.targetPgPort(), "postgres");
                Statement st = c.createStatement(); ResultSet rs = st.executeQuery(query)) {
            assertTrue(rs.next(), query);
            return rs.getString(1);
        }
    }

    private static String databaseOwner(String db) throws Exception {
        try (Connection c = TestServices.connect(TestServices.targetPgPort(), "postgres");
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = '"
                        + db + "'")) {
            assertTrue(rs.next(), db + " restored");
            return rs.getString(1);
        }
    }
}
