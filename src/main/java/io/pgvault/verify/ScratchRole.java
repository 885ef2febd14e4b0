package io.pgvault.verify;

import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import io.pgvault.errors.Redactor;
import io.pgvault.matrix.SafeNames;
import io.pgvault.postgres.PgLogin;
import org.postgresql.PGConnection;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * The role a test restore runs as ({@code pgvault.verify.scratch-role}): NOLOGIN, no attributes, member of nothing,
 * owner of nothing but the scratch database. A dump holds its owner's code — a CHECK constraint's function runs on
 * every restored row — so that code must run as this role, never as pgvault's (a superuser or the server admin).
 *
 * <p>pg_restore <em>logs in</em> as the role, with a one-time password set just before and removed right after (the
 * role is NOLOGIN again then). {@code pg_restore --role} would not do: it runs {@code SET ROLE} in pgvault's own
 * session, and any function of the dump can undo that with {@code RESET ROLE} and go on as pgvault.
 *
 * <p>pgvault's role becomes a member of the role (never the other way round) because creating a database owned by a
 * role, commenting on and dropping it require that when pgvault is not a superuser (on Azure: the server admin, a
 * CREATEROLE role, which on PostgreSQL 15 is not made a member of the roles it creates).
 */
final class ScratchRole {

    static final String MARK = "pgvault verify scratch role: test restores run as it; created by pgvault";
    private static final Set<String> NEVER = Set.of("postgres", "azuresu", "azure_pg_admin", "azure_superuser",
            "replication", "public");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String name;

    ScratchRole(String name, String pgvaultRole) {
        if (name.isBlank() || NEVER.contains(name) || name.startsWith("pg_") || name.equals(pgvaultRole)
                || SafeNames.unsafe(name)) {
            throw new PgvaultException(ErrorKind.CONFIGURATION, "The scratch role name may not be pgvault's own or a built-in role.",
                    "PGVAULT_VERIFY_SCRATCH_ROLE=" + SafeNames.escaped(name),
                    "Leave it unset (pgvault_scratch) or pick a name no role has; pgvault creates the role itself.");
        }
        this.name = name;
    }

    String name() {
        return name;
    }

    /**
     * Creates the role if it does not exist, checks that it is pgvault's and harmless, clears what the last restore
     * may have set on it, and opens it for logins with a fresh password valid for {@code validFor}.
     */
    PgLogin open(Connection c, Duration validFor) throws SQLException {
        if (!exists(c)) {
            create(c);
        }
        check(c); // from here on the role is pgvault's own: a failure closes it again
        try {
            try (Statement st = c.createStatement()) {
                st.execute("ALTER ROLE " + ident(name) + " RESET ALL");
            }
            letPgvaultUseIt(c);
            String password = newPassword();
            Redactor.registerSecret(password);
            // The SCRAM verifier is computed here: the password itself never reaches the server or its log.
            c.unwrap(PGConnection.class).alterUserPassword(name, password.toCharArray(), "scram-sha-256");
            try (Statement st = c.createStatement()) {
                Instant until = Instant.now().plus(validFor).truncatedTo(ChronoUnit.SECONDS);
                st.execute("ALTER ROLE " + ident(name) + " LOGIN VALID UNTIL '" + until + "'");
            }
            return new PgLogin(name, password);
        } catch (SQLException | RuntimeException e) {
            try {
                close(c);
            } catch (SQLException closeFailed) {
                e.addSuppressed(closeFailed);
            }
            throw e;
        }
    }

    /** NOLOGIN and no password again, and any session of the role ended: nothing can log in as it until the next restore. */
    void close(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("ALTER ROLE " + ident(name) + " NOLOGIN PASSWORD NULL");
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_catalog.pg_terminate_backend(pid) "
                + "FROM pg_catalog.pg_stat_activity WHERE usename = ?")) {
            ps.setString(1, name);
            ps.executeQuery().close();
        }
    }

    private boolean exists(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private void create(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("CREATE ROLE " + ident(name) + " NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION"
                    + " NOBYPASSRLS");
            st.execute("COMMENT ON ROLE " + ident(name) + " IS '" + MARK + "'");
        }
    }

    /** Refuses a role pgvault did not create, or one that has gained an attribute or a membership. */
    private void check(Connection c) throws SQLException {
        String sql = """
                SELECT pg_catalog.shobj_description(r.oid, 'pg_authid'), r.rolsuper, r.rolcreaterole, r.rolcreatedb,
                       r.rolreplication, r.rolbypassrls,
                       pg_catalog.array_to_string(ARRAY(SELECT g.rolname FROM pg_catalog.pg_auth_members m
                           JOIN pg_catalog.pg_roles g ON g.oid = m.roleid WHERE m.member = r.oid ORDER BY 1), ', ')
                FROM pg_catalog.pg_roles r WHERE r.rolname = ?""";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (!MARK.equals(rs.getString(1))) {
                    throw new PgvaultException(ErrorKind.CONFIGURATION, "The scratch role \"" + name + "\" exists and pgvault did not create it.",
                            "role \"" + name + "\" has no pgvault comment",
                            "Set PGVAULT_VERIFY_SCRATCH_ROLE to a name no role has; pgvault creates its scratch role "
                                    + "itself and never runs a test restore as a role someone else may use.");
                }
                List<String> extra = new ArrayList<>();
                String[] attributes = {"SUPERUSER", "CREATEROLE", "CREATEDB", "REPLICATION", "BYPASSRLS"};
                for (int i = 0; i < attributes.length; i++) {
                    if (rs.getBoolean(i + 2)) {
                        extra.add(attributes[i]);
                    }
                }
                if (!rs.getString(7).isEmpty()) {
                    extra.add("member of " + rs.getString(7));
                }
                if (!extra.isEmpty()) {
                    throw new PgvaultException(ErrorKind.CONFIGURATION, "The scratch role \"" + name + "\" has privileges a test restore "
                            + "must not run with.", "role \"" + name + "\": " + String.join("; ", extra),
                            "Drop the role (DROP ROLE " + ident(name) + "; pgvault creates it again, bare) or take the "
                                    + "privileges back (ALTER ROLE ... NOSUPERUSER NOCREATEROLE ..., REVOKE ... FROM it).");
                }
            }
        }
    }

    /**
     * Makes pgvault's role a member of the scratch role if it is not (a superuser is, implicitly): CREATE DATABASE …
     * OWNER needs the membership (on PostgreSQL 16 its SET option), commenting on and dropping the database the
     * role owns need its privileges (USAGE: INHERIT). PostgreSQL 16 gives a CREATEROLE role neither on the roles it
     * creates (only ADMIN), so the options are named there.
     */
    private void letPgvaultUseIt(Connection c) throws SQLException {
        boolean pg16 = serverVersionNum(c) >= 160000;
        String check = pg16 ? "SELECT pg_catalog.pg_has_role(?, 'SET') AND pg_catalog.pg_has_role(?, 'USAGE')"
                : "SELECT pg_catalog.pg_has_role(?, 'MEMBER') AND pg_catalog.pg_has_role(?, 'USAGE')";
        try (PreparedStatement ps = c.prepareStatement(check)) {
            ps.setString(1, name);
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getBoolean(1)) {
                    return;
                }
            }
        }
        try (Statement st = c.createStatement()) {
            st.execute("GRANT " + ident(name) + " TO CURRENT_USER" + (pg16 ? " WITH INHERIT TRUE, SET TRUE" : ""));
        }
    }

    private static int serverVersionNum(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT pg_catalog.current_setting('server_version_num')::pg_catalog.int4")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static String newPassword() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String ident(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }
}
