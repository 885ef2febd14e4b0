package io.pgvault.verify;

import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import io.pgvault.config.PgvaultConfig;
import io.pgvault.postgres.PgConnections;
import io.pgvault.postgres.PgLogin;
import io.pgvault.postgres.PgTools;
import io.pgvault.vault.Manifest;
import io.pgvault.vault.VaultStore;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The optional test restore of a verify: each dump is restored into a scratch database on the backed-up server
 * ({@code pgvault.verify.scratch-database}) — created, {@code pg_restore --exit-on-error}, dropped. The dump's code
 * runs as the scratch role ({@link ScratchRole}), which owns the database and which pg_restore logs in as; never as
 * pgvault. pgvault drops only a database that is its own (its comment, or owned by the scratch role), so a
 * misconfigured name can never drop a real database.
 */
@ApplicationScoped
public class ScratchRestore {

    static final String MARK = "pgvault verify scratch database: created and dropped by pgvault verify";
    private static final Set<String> NEVER = Set.of("postgres", "template0", "template1", "azure_maintenance", "azure_sys");
    private static final Duration RESTORE_TIMEOUT = Duration.ofHours(12);

    private final PgvaultConfig config;
    private final PgTools tools;
    private final PgConnections connections;
    private final VaultStore vault;

    public ScratchRestore(PgvaultConfig config, PgTools tools, PgConnections connections, VaultStore vault) {
        this.config = config;
        this.tools = tools;
        this.connections = connections;
        this.vault = vault;
    }

    /** The configured scratch database, if test restores are on. */
    public Optional<String> name() {
        return config.verify().scratchDatabase().map(String::trim).filter(s -> !s.isEmpty());
    }

    /**
     * What a test restore did: the problem if pg_restore failed; else the tables and rows it left in the scratch
     * database, counted before the drop (a scratch database that was only created and dropped holds none).
     */
    record Outcome(String problem, long tables, long rows) {
        boolean ok() {
            return problem == null;
        }

        static Outcome failed(String problem) {
            return new Outcome(problem, 0, 0);
        }
    }

    /**
     * Restores one database's dump — its one file, or its parts in restore order (pre-data, each data part,
     * post-data) — into a fresh scratch database, counts what it holds, and drops it again.
     */
    Outcome restore(String prefix, Manifest.DatabaseDump dump) {
        String db = name().orElseThrow();
        if (NEVER.contains(db) || db.equals(dump.database())) {
            throw new PgvaultException(ErrorKind.CONFIGURATION, "The scratch database name may not be a real database.",
                    "PGVAULT_VERIFY_SCRATCH_DATABASE=" + db,
                    "Pick a name of its own, such as pgvault_verify_scratch.");
        }
        ScratchRole role = new ScratchRole(config.verify().scratchRole().trim(), config.pg().user());
        PgLogin login = maintenance("prepare the scratch role \"" + role.name() + "\"",
                c -> role.open(c, RESTORE_TIMEOUT.plusHours(1)));
        try {
            maintenance("create the scratch database \"" + db + "\"", c -> recreate(c, db, role));
            try {
                checkLogin(db, login);
                for (Manifest.File file : dump.files()) {
                    Outcome part = pgRestore(prefix, file, db, login);
                    if (!part.ok()) {
                        return dump.split() ? Outcome.failed(file.path() + ": " + part.problem()) : part;
                    }
                }
                return restored(db, login);
            } finally {
                maintenance("drop the scratch database \"" + db + "\"", c -> drop(c, db, role));
            }
        } finally {
            maintenance("close the scratch role \"" + role.name() + "\"", c -> {
                role.close(c);
                return null;
            });
        }
    }

    /** One archive into the scratch database; its problem, or ok (then nothing is counted yet). */
    private Outcome pgRestore(String prefix, Manifest.File file, String db, PgLogin login) {
        try (InputStream stored = vault.openFile(prefix + file.path())
                .orElseThrow(() -> new IOException(file.path() + " is missing from the vault"));
                InputStream archive = FileReadBack.decompressed(stored, file.compression())) {
            PgRestoreFeed.Result r = PgRestoreFeed.run(tools.command(db, "pg_restore",
                    List.of("--dbname=postgresql://", "--no-owner", "--no-privileges", "--exit-on-error", "--no-password"),
                    login), archive, RESTORE_TIMEOUT);
            return r.ok() ? new Outcome(null, 0, 0) : Outcome.failed(r.problem());
        } catch (IOException e) {
            return Outcome.failed("could not read the dump: " + e.getMessage());
        }
    }

    /**
     * The ordinary tables of the scratch database and their rows (a partitioned table's rows: its partitions'),
     * counted as the scratch role, which owns them all: whatever the dump brought runs with no privilege.
     */
    private Outcome restored(String db, PgLogin login) {
        try (Connection c = connections.open(db, login); Statement st = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT pg_catalog.format('%I.%I', n.nspname, c.relname) "
                    + "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                    + "WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema')")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            long rows = 0;
            for (String table : tables) {
                try (ResultSet rs = st.executeQuery("SELECT pg_catalog.count(*) FROM ONLY " + table)) {
                    rs.next();
                    rows += rs.getLong(1);
                }
            }
            return new Outcome(null, tables.size(), rows);
        } catch (SQLException e) {
            return Outcome.failed("could not count what the restore left (SQLSTATE " + e.getSQLState() + "): "
                    + e.getMessage());
        }
    }

    /** Logs in as the scratch role once, so a server that refuses its password login says so clearly. */
    private void checkLogin(String db, PgLogin login) {
        try (Connection c = connections.open(db, login)) {
            c.isValid(5);
        } catch (SQLException e) {
            throw new PgvaultException(ErrorKind.CONFIGURATION, "A test restore could not log in as the scratch role \"" + login.user() + "\".",
                    "SQLSTATE " + e.getSQLState() + ": " + e.getMessage(),
                    "Test restores log in as that role with a one-time password, so that the dump's code never runs as "
                            + "pgvault: the server must accept password logins from pgvault's address (pg_hba.conf; on "
                            + "Azure the authentication method \"PostgreSQL and Microsoft Entra authentication\"). Or turn "
                            + "test restores off (PGVAULT_VERIFY_SCRATCH_DATABASE empty).", e);
        }
    }

    private Void recreate(Connection c, String db, ScratchRole role) throws SQLException {
        try (Statement st = c.createStatement()) {
            if (exists(c, db)) {
                if (!ours(c, db, role)) {
                    throw new PgvaultException(ErrorKind.CONFIGURATION, "The scratch database \"" + db + "\" exists and pgvault did not create it.",
                            "database \"" + db + "\" has no pgvault verify comment and another owner than \""
                                    + role.name() + "\"",
                            "Set PGVAULT_VERIFY_SCRATCH_DATABASE to a name no database has; pgvault never drops a "
                                    + "database it did not create.");
                }
                st.execute("DROP DATABASE " + ident(db) + " WITH (FORCE)"); // a previous verify died before its drop
            }
            st.execute("CREATE DATABASE " + ident(db) + " OWNER " + ScratchRole.ident(role.name()));
            st.execute("COMMENT ON DATABASE " + ident(db) + " IS '" + MARK + "'");
        }
        return null;
    }

    private Void drop(Connection c, String db, ScratchRole role) throws SQLException {
        if (exists(c, db) && ours(c, db, role)) {
            try (Statement st = c.createStatement()) {
                st.execute("DROP DATABASE " + ident(db) + " WITH (FORCE)");
            }
        }
        return null;
    }

    private static boolean exists(Connection c, String db) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_catalog.pg_database WHERE datname = ?")) {
            ps.setString(1, db);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * pgvault's own scratch database: it carries pgvault's comment, or the scratch role owns it (the restored dump
     * runs as its owner and may rewrite the comment; it cannot give the database away).
     */
    private static boolean ours(Connection c, String db, ScratchRole role) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_catalog.shobj_description(d.oid, 'pg_database'), "
                + "r.rolname FROM pg_catalog.pg_database d JOIN pg_catalog.pg_roles r ON r.oid = d.datdba "
                + "WHERE d.datname = ?")) {
            ps.setString(1, db);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && (MARK.equals(rs.getString(1)) || role.name().equals(rs.getString(2)));
            }
        }
    }

    /** A step on pgvault's own session in the maintenance database. */
    private <T> T maintenance(String what, SqlStep<T> step) {
        try (Connection c = connections.open(config.pg().database())) {
            return step.run(c);
        } catch (SQLException e) {
            throw new PgvaultException(ErrorKind.DATABASE_UNAVAILABLE, "Could not " + what + ".",
                    "SQLSTATE " + e.getSQLState() + ": " + e.getMessage(),
                    "The verify role needs CREATEDB and CREATEROLE on the server (on Azure: the server admin), or set "
                            + "PGVAULT_VERIFY_SCRATCH_DATABASE empty to skip test restores.", e);
        }
    }

    @FunctionalInterface
    private interface SqlStep<T> {
        T run(Connection c) throws SQLException;
    }

    private static String ident(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }
}
