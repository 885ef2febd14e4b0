package io.pgvault.security;

import io.pgvault.testing.TestServices;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A hostile database owner on the real test server: a NOLOGIN role {@value #ATTACKER} that owns databases and fills
 * them, as itself, with code that tries to take over whoever runs it — it logs {@code current_user} into a table
 * anyone may insert into and tries {@code ALTER ROLE attacker SUPERUSER} / {@code CREATEROLE} (errors swallowed, as
 * a real attacker would). Also {@value #PROBE}, a plain role without privileges whose unprotected queries show that
 * a fixture really hijacks a session (the positive control of each test). Every role and database made here is
 * dropped by {@link #dropAll}.
 */
final class Hostile {

    static final String ATTACKER = "pgvault_sec_attacker";
    static final String PROBE = "pgvault_sec_probe";

    /**
     * The attacker's payload, as a plpgsql function body that returns {@code result}: what a function of the owner
     * does when pgvault's session calls it.
     */
    static String payload(String result) {
        return "BEGIN\n"
                + "  INSERT INTO public.hijack_log(who) VALUES (current_user);\n"
                + "  BEGIN EXECUTE 'ALTER ROLE " + ATTACKER + " SUPERUSER'; EXCEPTION WHEN OTHERS THEN NULL; END;\n"
                + "  BEGIN EXECUTE 'ALTER ROLE " + ATTACKER + " CREATEROLE'; EXCEPTION WHEN OTHERS THEN NULL; END;\n"
                + "  RETURN " + result + ";\n"
                + "END";
    }

    private Hostile() {
    }

    /** Creates the attacker and probe roles (NOLOGIN; the probe may read all data) unless they exist. */
    static void createRoles() {
        TestServices.sql("postgres",
                "DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + ATTACKER + "') THEN "
                        + "CREATE ROLE " + ATTACKER + " NOLOGIN; END IF; END$$",
                "DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + PROBE + "') THEN "
                        + "CREATE ROLE " + PROBE + " NOLOGIN IN ROLE pg_read_all_data; END IF; END$$");
    }

    /** A fresh database owned by the attacker, with the log table the payload writes to. */
    static void createDatabase(String db) {
        TestServices.sql("postgres", "DROP DATABASE IF EXISTS " + db + " WITH (FORCE)",
                "CREATE DATABASE " + db + " OWNER " + ATTACKER);
        asAttacker(db, "CREATE TABLE public.hijack_log (who name NOT NULL, at timestamptz NOT NULL DEFAULT now())",
                "GRANT INSERT ON public.hijack_log TO PUBLIC");
    }

    /** Runs statements in {@code db} as the attacker (SET ROLE from the test's superuser session). */
    static void asAttacker(String db, String... statements) {
        asRole(db, ATTACKER, statements);
    }

    /** Runs statements in {@code db} as {@code role}. */
    static void asRole(String db, String role, String... statements) {
        String[] all = new String[statements.length + 1];
        all[0] = "SET ROLE " + role;
        System.arraycopy(statements, 0, all, 1, statements.length);
        TestServices.sql(db, all);
    }

    /** Who the payload ran as in {@code db}, oldest first. */
    static List<String> log(String db) {
        List<String> who = new ArrayList<>();
        try (Connection c = TestServices.connect(TestServices.pgPort(), db); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT who FROM public.hijack_log ORDER BY at")) {
            while (rs.next()) {
                who.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return who;
    }

    static void clearLog(String db) {
        TestServices.sql(db, "TRUNCATE public.hijack_log");
    }

    /** The attributes the payload tries to give the attacker, those it has: empty unless an attack succeeded. */
    static List<String> escalatedAttributes() {
        return attributes(ATTACKER);
    }

    /** Which of SUPERUSER, CREATEROLE, CREATEDB, BYPASSRLS, LOGIN a role has. */
    static List<String> attributes(String role) {
        try (Connection c = TestServices.connect(TestServices.pgPort(), "postgres");
                PreparedStatement ps = c.prepareStatement("SELECT rolsuper, rolcreaterole, rolcreatedb, rolbypassrls, "
                        + "rolcanlogin FROM pg_roles WHERE rolname = ?")) {
            ps.setString(1, role);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("no role " + role);
                }
                List<String> out = new ArrayList<>();
                String[] names = {"SUPERUSER", "CREATEROLE", "CREATEDB", "BYPASSRLS", "LOGIN"};
                for (int i = 0; i < names.length; i++) {
                    if (rs.getBoolean(i + 1)) {
                        out.add(names[i]);
                    }
                }
                return out;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Drops the given databases, then the attacker and probe roles. */
    static void dropAll(String... databases) {
        for (String db : databases) {
            TestServices.sql("postgres", "DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
        }
        TestServices.sql("postgres", "DROP ROLE IF EXISTS " + ATTACKER, "DROP ROLE IF EXISTS " + PROBE);
    }
}
