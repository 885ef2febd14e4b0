package io.pgvault.restore;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.ListBlobsOptions;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.pgvault.testing.TestServices.ident;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The restore kit's {@code restore.sh} run against a fresh PostgreSQL server: roles a managed server refuses
 * (by name or by attribute) are stripped, ordinary roles and odd role names survive, and databases whose
 * names look like options or connection strings ({@code -h}, {@code a=b}) come back identical.
 */
@QuarkusTest
class RestoreKitTest {

    static final List<String> REFUSED_NAMES = List.of("azure_pg_admin", "azuresu", "azure_superuser", "replication");
    static final List<String> ATTRIBUTE_ROLES = List.of("rk_super", "rk_repl", "rk_both");
    static final String ODD_ROLE = "rk weird SUPERUSER \"name\"";
    static final List<String> DATABASES = List.of("-h", "a=b");

    @Inject
    BackupService backups;

    @AfterEach
    void cleanUp() {
        for (int port : List.of(TestServices.pgPort(), TestServices.targetPgPort())) {
            for (String db : DATABASES) {
                TestServices.sqlOn(port, "postgres", "DROP DATABASE IF EXISTS " + ident(db) + " WITH (FORCE)");
            }
            dropRoles(port);
        }
    }

    static void dropRoles(int port) {
        List<String> roles = new ArrayList<>(ATTRIBUTE_ROLES);
        roles.addAll(List.of("rk_app", ODD_ROLE, "azuresu", "azure_superuser", "replication"));
        for (String role : roles) {
            TestServices.sqlOn(port, "postgres", "DROP ROLE IF EXISTS " + ident(role));
        }
    }

    @Test
    void restoreShStripsRolesAManagedServerRefusesAndRestoresOddDatabaseNames() throws Exception {
        // the source server: roles refused by name and by attribute, ordinary ones, odd database names
        dropRoles(TestServices.pgPort());
        TestServices.sql("postgres",
                "DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname='azure_pg_admin') THEN CREATE ROLE azure_pg_admin NOLOGIN; END IF; END$$",
                "CREATE ROLE azuresu SUPERUSER LOGIN",
                "CREATE ROLE azure_superuser SUPERUSER",
                "CREATE ROLE replication REPLICATION LOGIN",
                "CREATE ROLE rk_super SUPERUSER LOGIN",
                "CREATE ROLE rk_repl REPLICATION LOGIN",
                "CREATE ROLE rk_both SUPERUSER REPLICATION BYPASSRLS",
                "CREATE ROLE rk_app LOGIN CREATEDB",
                "CREATE ROLE " + ident(ODD_ROLE) + " LOGIN",
                "GRANT azure_pg_admin TO rk_app",
                "GRANT rk_app TO " + ident(ODD_ROLE));
        for (String db : DATABASES) {
            TestServices.recreateDatabase(db);
            TestServices.sql(db, "CREATE TABLE t (id int PRIMARY KEY, name text)",
                    "INSERT INTO t SELECT g, " + literal(db) + " || g FROM generate_series(1, 500) g",
                    "GRANT SELECT ON t TO rk_app");
        }
        // the fresh target: no user database, none of these roles
        for (String db : userDatabases(TestServices.targetPgPort())) {
            TestServices.sqlOn(TestServices.targetPgPort(), "postgres", "DROP DATABASE " + ident(db) + " WITH (FORCE)");
        }
        dropRoles(TestServices.targetPgPort());
        TestServices.sqlOn(TestServices.targetPgPort(), "postgres", "DROP ROLE IF EXISTS azure_pg_admin");

        TestServices.resetVault();
        Manifest m = backups.backup(BackupType.FULL).manifest();
        List<String> backedUp = m.databaseFiles().stream().map(Manifest.File::database).toList();
        assertTrue(backedUp.containsAll(DATABASES), "both odd names are in the backup: " + backedUp);

        String container = RestoreClient.newContainer("rk");
        Map<String, Object> body = new HashMap<>();
        body.put("server", RestoreClient.SERVER);
        body.put("backupId", m.backupId());
        body.put("targetContainerUrl", RestoreClient.url(container));
        String id = RestoreClient.accepted(body).getString("restoreId");
        JsonPath end = RestoreClient.awaitEnd(id, Duration.ofMinutes(3));
        assertEquals("Succeeded", end.getString("state"), end.prettify());

        Path dir = TestServices.downloadTarget(container,
                RestoreClient.SERVER + "/" + m.backupId() + "/");
        var kit = TestServices.run(TestServices.targetPgPort(), dir, Map.of(), "bash", "restore.sh", "--jobs", "2");
        assertEquals(0, kit.exit(), "restore.sh failed:\n" + kit.stdout() + kit.stderr());

        try (Connection c = TestServices.connect(TestServices.targetPgPort(), "postgres");
                Statement st = c.createStatement()) {
            for (String name : REFUSED_NAMES) {
                try (ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_roles WHERE rolname = " + literal(name))) {
                    rs.next();
                    assertEquals(0, rs.getInt(1), "role " + name + " was not stripped");
                }
            }
            for (String role : ATTRIBUTE_ROLES) {
                try (ResultSet rs = st.executeQuery("SELECT rolsuper, rolreplication, rolbypassrls, rolcanlogin "
                        + "FROM pg_roles WHERE rolname = " + literal(role))) {
                    assertTrue(rs.next(), "role " + role + " itself is restored");
                    assertFalse(rs.getBoolean(1), role + " kept SUPERUSER");
                    assertFalse(rs.getBoolean(2), role + " kept REPLICATION");
                    assertFalse(rs.getBoolean(3), role + " kept BYPASSRLS");
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT rolcanlogin, rolcreatedb FROM pg_roles WHERE rolname = 'rk_app'")) {
                assertTrue(rs.next(), "an ordinary role is restored");
                assertTrue(rs.getBoolean(1) && rs.getBoolean(2), "with its attributes");
            }
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_roles WHERE rolname = " + literal(ODD_ROLE)
                    + " AND NOT rolsuper")) {
                rs.next();
                assertEquals(1, rs.getInt(1), "a role whose name contains SUPERUSER is restored under its own name");
            }
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_auth_members am JOIN pg_roles r ON r.oid = am.roleid "
                    + "JOIN pg_roles u ON u.oid = am.member WHERE r.rolname = 'rk_app' AND u.rolname = " + literal(ODD_ROLE))) {
                rs.next();
                assertEquals(1, rs.getInt(1), "memberships between kept roles are restored");
            }
        }
        for (String db : DATABASES) {
            String source = TestServices.plainDump(TestServices.pgPort(), db);
            assertTrue(source.contains("CREATE TABLE public.t"), "the source dump of " + db + " holds the table");
            assertEquals(source, TestServices.plainDump(TestServices.targetPgPort(), db), "restored " + db + " differs");
        }
        rolesStepErrorsAreNotSilent(dir);
    }

    /** A roles statement the target refuses ends the run "finished with errors", after the databases are restored. */
    static void rolesStepErrorsAreNotSilent(Path dir) throws Exception {
        for (String db : userDatabases(TestServices.targetPgPort())) {
            TestServices.sqlOn(TestServices.targetPgPort(), "postgres", "DROP DATABASE " + ident(db) + " WITH (FORCE)");
        }
        Path roles = dir.resolve("roles.managed.sql");
        Files.writeString(roles, "\nGRANT rk_no_such_role TO rk_app;\n",
                java.nio.file.StandardOpenOption.APPEND);
        var kit = TestServices.run(TestServices.targetPgPort(), dir, Map.of(), "bash", "restore.sh");
        assertEquals(1, kit.exit(), "a roles error fails the run:\n" + kit.stdout() + kit.stderr());
        assertTrue(kit.stderr().contains("rk_no_such_role") && kit.stderr().contains("the roles step reported errors"),
                "the roles error is shown and counted: " + kit.stderr());
        assertFalse(kit.stderr().contains("could not create") || kit.stderr().contains("exists already")
                || kit.stderr().contains("pg_restore reported errors"), "only the roles step failed: " + kit.stderr());
        for (String db : DATABASES) {
            assertEquals(TestServices.plainDump(TestServices.pgPort(), db),
                    TestServices.plainDump(TestServices.targetPgPort(), db), "restored " + db + " after a roles error");
        }
    }

    static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    static List<String> userDatabases(int port) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = TestServices.connect(port, "postgres"); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT datname FROM pg_database WHERE NOT datistemplate AND datname <> 'postgres'")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
