package io.pgvault.security;

import io.pgvault.testing.TestServices;
import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/**
 * pgvault logged in as a role like Azure's server admin instead of the test server's superuser: LOGIN CREATEDB
 * CREATEROLE, no SUPERUSER, no BYPASSRLS, reading every table through pg_read_all_data (Azure's admin is a member of
 * azure_pg_admin, a plain role; Azure itself is not emulated). The role is made by {@link #create()} and dropped by
 * {@link #drop()}; connections are opened lazily, so it only has to exist when a test runs.
 */
public class AzureLikeAdmin implements QuarkusTestProfile {

    static final String ROLE = "pgvault_sec_admin";
    private static final String PASSWORD = "pgvault-sec-admin-login";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("pgvault.pg.user", ROLE, "pgvault.pg.password", PASSWORD);
    }

    static void create() {
        drop();
        TestServices.sql("postgres", "CREATE ROLE " + ROLE + " LOGIN CREATEDB CREATEROLE PASSWORD '" + PASSWORD + "'",
                "GRANT pg_read_all_data TO " + ROLE);
    }

    /** Drops the role and what it may have left (it owns nothing once the tests cleaned up after themselves). */
    static void drop() {
        TestServices.sql("postgres", "DO $$BEGIN IF EXISTS (SELECT FROM pg_roles WHERE rolname = '" + ROLE + "') THEN "
                + "EXECUTE 'DROP OWNED BY " + ROLE + "'; EXECUTE 'DROP ROLE " + ROLE + "'; END IF; END$$");
    }
}
