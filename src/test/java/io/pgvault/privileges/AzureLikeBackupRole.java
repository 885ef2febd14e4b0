package io.pgvault.privileges;

import io.pgvault.testing.TestServices;
import io.quarkus.test.junit.QuarkusTestProfile;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * pgvault logged in as a role like Azure's server admin: LOGIN CREATEDB CREATEROLE, a member of
 * {@code azure_pg_admin} (a plain NOLOGIN role here; Azure itself is not emulated) and {@code pg_read_all_data}, not a
 * superuser, no BYPASSRLS. The test's superuser gives it what Azure's admin would be given ({@link #grantBypassRls()},
 * {@link #grantAllLargeObjects()}); {@link #drop()} takes everything back, in every database of the shared server.
 */
public class AzureLikeBackupRole implements QuarkusTestProfile {

    static final String ROLE = "pgvault_azure_backup";
    private static final String PASSWORD = "pgvault-azure-backup-login";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("pgvault.pg.user", ROLE, "pgvault.pg.password", PASSWORD);
    }

    static void create() {
        drop();
        TestServices.sql("postgres",
                "DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname='azure_pg_admin') THEN "
                        + "CREATE ROLE azure_pg_admin NOLOGIN; END IF; END$$",
                "CREATE ROLE " + ROLE + " LOGIN CREATEDB CREATEROLE PASSWORD '" + PASSWORD + "'",
                "GRANT azure_pg_admin, pg_read_all_data TO " + ROLE);
    }

    static void grantBypassRls() {
        TestServices.sql("postgres", "ALTER ROLE " + ROLE + " BYPASSRLS");
    }

    /** SELECT on every large object of every database, as the test's superuser: leftovers of other tests too. */
    static void grantAllLargeObjects() {
        for (String db : databases()) {
            TestServices.sql(db, "DO $$DECLARE o oid; BEGIN FOR o IN SELECT oid FROM pg_largeobject_metadata LOOP "
                    + "EXECUTE format('GRANT SELECT ON LARGE OBJECT %s TO " + ROLE + "', o); END LOOP; END$$");
        }
    }

    /** Drops the role: its grants and whatever it owns, in every database. */
    static void drop() {
        if (!exists()) {
            return;
        }
        for (String db : databases()) {
            TestServices.sql(db, "DROP OWNED BY " + ROLE);
        }
        TestServices.sql("postgres", "DROP ROLE " + ROLE);
    }

    private static boolean exists() {
        try (Connection c = TestServices.connect(TestServices.pgPort(), "postgres"); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_roles WHERE rolname = '" + ROLE + "'")) {
            rs.next();
            return rs.getInt(1) == 1;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every database that allows connections. */
    static List<String> databases() {
        List<String> out = new ArrayList<>();
        try (Connection c = TestServices.connect(TestServices.pgPort(), "postgres"); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT datname FROM pg_database WHERE datallowconn ORDER BY 1")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return out;
    }
}
