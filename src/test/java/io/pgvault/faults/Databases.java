package io.pgvault.faults;

import io.pgvault.testing.TestServices;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Databases the fault tests create on the real server, and handles on the pg_dump processes and server
 * backends pgvault runs against them. Every database made here is dropped again by the test that made it (on
 * the source and on the fresh restore target), so the other test classes' backups stay small.
 */
final class Databases {

    private Databases() {
    }

    /**
     * A database holding {@code megabytes} MiB of random bytea (incompressible, stored out of line), so that its
     * dump streams for long enough to be caught mid-stream.
     */
    static void createBig(String name, int megabytes) {
        TestServices.recreateDatabase(name);
        TestServices.sql(name, "CREATE EXTENSION IF NOT EXISTS pgcrypto",
                "CREATE TABLE blobs (id int PRIMARY KEY, b bytea)",
                "ALTER TABLE blobs ALTER b SET STORAGE EXTERNAL",
                // one 32 KiB random value per row; 32 rows per MiB
                "INSERT INTO blobs SELECT g, (SELECT string_agg(gen_random_bytes(1024), '') FROM generate_series(1, 32 + 0 * g))"
                        + " FROM generate_series(1, " + (megabytes * 32) + ") g");
    }

    static void createSmall(String name) {
        TestServices.recreateDatabase(name);
        TestServices.sql(name, "CREATE TABLE t (id int PRIMARY KEY, v text)",
                "INSERT INTO t SELECT g, 'row ' || g FROM generate_series(1, 100) g");
    }

    /** Drops a database on the source server and on the restore target, whatever state it is in. */
    static void dropEverywhere(String name) {
        for (int port : new int[] {TestServices.pgPort(), TestServices.targetPgPort()}) {
            TestServices.sqlOn(port, "postgres", "DROP DATABASE IF EXISTS " + TestServices.ident(name) + " WITH (FORCE)");
        }
    }

    /** Drops a database on the restore target only (before a restore kit recreates it there). */
    static void dropEverywhereOnTarget(String name) {
        TestServices.sqlOn(TestServices.targetPgPort(), "postgres",
                "DROP DATABASE IF EXISTS " + TestServices.ident(name) + " WITH (FORCE)");
    }

    static boolean exists(String name) {
        try (Connection c = TestServices.connect(TestServices.pgPort(), "postgres");
                PreparedStatement st = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            st.setString(1, name);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The server pid of pgvault's pg_dump session on {@code database} while it copies table data, if any. */
    static Optional<Integer> copyingBackend(String database) {
        try (Connection c = TestServices.connect(TestServices.pgPort(), "postgres");
                PreparedStatement st = c.prepareStatement("SELECT pid FROM pg_stat_activity WHERE application_name = "
                        + "'pgvault' AND datname = ? AND query LIKE 'COPY %' AND state = 'active'")) {
            st.setString(1, database);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? Optional.of(rs.getInt(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * pgvault's snapshot sessions still inside their transaction (an ExportedSnapshot not closed): application
     * pgvault-snapshot, idle in transaction. A closed one rolled back before the backup returned, then disconnected.
     */
    static List<String> openSnapshotSessions() {
        try (Connection c = TestServices.connect(TestServices.pgPort(), "postgres");
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT pid || ' ' || datname || ' ' || state FROM pg_stat_activity "
                        + "WHERE application_name = 'pgvault-snapshot' AND state LIKE 'idle in transaction%'")) {
            List<String> open = new java.util.ArrayList<>();
            while (rs.next()) {
                open.add(rs.getString(1));
            }
            return open;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether pgvault's pg_dump of {@code database} waits for a table lock (it has inspected and started). */
    static boolean dumpWaitsForLock(String database) {
        try (Connection c = TestServices.connect(TestServices.pgPort(), "postgres");
                PreparedStatement st = c.prepareStatement("SELECT 1 FROM pg_stat_activity WHERE application_name = "
                        + "'pgvault' AND datname = ? AND wait_event_type = 'Lock'")) {
            st.setString(1, database);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every database of the main test server. */
    static java.util.Set<String> all() {
        java.util.Set<String> names = new java.util.TreeSet<>();
        try (Connection c = TestServices.connect(TestServices.pgPort(), "postgres");
                Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT datname FROM pg_database")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return names;
    }

    static boolean terminate(int backendPid) {
        try (Connection c = TestServices.connect(TestServices.pgPort(), "postgres");
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT pg_terminate_backend(" + backendPid + ")")) {
            return rs.next() && rs.getBoolean(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The pg_dump process pgvault started for {@code database} among the descendants of {@code root} (this JVM or
     * a child JVM): its command is pg_dump and its environment carries {@code PGDATABASE=<database>} (pgvault never
     * puts the name on the command line).
     */
    static Optional<ProcessHandle> pgDump(ProcessHandle root, String database) {
        return root.descendants()
                .filter(p -> p.info().command().map(c -> c.endsWith("/pg_dump")).orElse(false))
                .filter(p -> environ(p.pid()).contains("\0PGDATABASE=" + database + "\0"))
                .findFirst();
    }

    private static String environ(long pid) {
        try {
            return "\0" + new String(Files.readAllBytes(Path.of("/proc/" + pid + "/environ")), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return ""; // the process ended meanwhile
        }
    }

    /** Sends a signal (STOP, CONT, KILL) to a process the test started, by its id. */
    static void signal(long pid, String signal) {
        try {
            Process p = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + pid + " failed");
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** An open session holding ACCESS EXCLUSIVE on a table until closed. */
    static Connection lockTable(String database, String table) throws SQLException {
        Connection c = TestServices.connect(TestServices.pgPort(), database);
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            st.execute("LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE");
        }
        return c;
    }
}
