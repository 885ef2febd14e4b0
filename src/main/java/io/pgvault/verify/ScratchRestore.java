package io.pgvault.verify;

import io.pgvault.config.PgvaultConfig;
import io.pgvault.errors.ConfigurationException;
import io.pgvault.errors.DatabaseUnavailableException;
import io.pgvault.postgres.PgTools;
import io.pgvault.postgres.ServerInspector;
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
 * The optional test restore of a verify: each dump is restored into a scratch database on the backed-up
 * server ({@code pgvault.verify.scratch-database}) — created, {@code pg_restore --exit-on-error}, dropped.
 * pgvault marks the database it creates with a comment and drops only a database that carries it, so a
 * misconfigured name can never drop a real database.
 */
@ApplicationScoped
public class ScratchRestore {

    static final String MARK = "pgvault verify scratch database: created and dropped by pgvault verify";
    private static final Set<String> NEVER = Set.of("postgres", "template0", "template1", "azure_maintenance", "azure_sys");

    private final PgvaultConfig config;
    private final PgTools tools;
    private final ServerInspector inspector;
    private final VaultStore vault;

    public ScratchRestore(PgvaultConfig config, PgTools tools, ServerInspector inspector, VaultStore vault) {
        this.config = config;
        this.tools = tools;
        this.inspector = inspector;
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

    /** Restores one dump into a fresh scratch database, counts what it holds, and drops it again. */
    Outcome restore(String prefix, Manifest.File file) {
        String db = name().orElseThrow();
        if (NEVER.contains(db) || db.equals(file.database())) {
            throw new ConfigurationException("The scratch database name may not be a real database.",
                    "PGVAULT_VERIFY_SCRATCH_DATABASE=" + db,
                    "Pick a name of its own, such as pgvault_verify_scratch.");
        }
        recreate(db);
        try (InputStream stored = vault.blob(prefix + file.path()).openInputStream();
                InputStream archive = VerifyService.decompressed(stored, file.compression())) {
            PgRestoreFeed.Result r = PgRestoreFeed.run(tools.command(db, "pg_restore",
                    List.of("--dbname=postgresql://", "--no-owner", "--no-privileges", "--exit-on-error", "--no-password")),
                    archive, Duration.ofHours(12));
            return r.ok() ? restored(db) : Outcome.failed(r.problem());
        } catch (IOException e) {
            return Outcome.failed("could not read the dump: " + e.getMessage());
        } finally {
            drop(db);
        }
    }

    /** The ordinary tables of the scratch database and their rows (a partitioned table's rows: its partitions'). */
    private Outcome restored(String db) {
        try (Connection c = inspector.connect(db); Statement st = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c "
                    + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' "
                    + "AND n.nspname NOT IN ('pg_catalog', 'information_schema')")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            long rows = 0;
            for (String table : tables) {
                try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
                    rs.next();
                    rows += rs.getLong(1);
                }
            }
            return new Outcome(null, tables.size(), rows);
        } catch (SQLException e) {
            throw unavailable(db, e);
        }
    }

    private void recreate(String db) {
        try (Connection c = inspector.connect(config.pg().database()); Statement st = c.createStatement()) {
            if (exists(c, db)) {
                if (!MARK.equals(comment(c, db))) {
                    throw new ConfigurationException("The scratch database \"" + db + "\" exists and pgvault did not create it.",
                            "database \"" + db + "\" has no pgvault verify comment",
                            "Set PGVAULT_VERIFY_SCRATCH_DATABASE to a name no database has; pgvault never drops a "
                                    + "database it did not create.");
                }
                st.execute("DROP DATABASE " + ident(db) + " WITH (FORCE)"); // a previous verify died before its drop
            }
            st.execute("CREATE DATABASE " + ident(db));
            st.execute("COMMENT ON DATABASE " + ident(db) + " IS '" + MARK + "'");
        } catch (SQLException e) {
            throw unavailable(db, e);
        }
    }

    private void drop(String db) {
        try (Connection c = inspector.connect(config.pg().database()); Statement st = c.createStatement()) {
            if (exists(c, db) && MARK.equals(comment(c, db))) {
                st.execute("DROP DATABASE " + ident(db) + " WITH (FORCE)");
            }
        } catch (SQLException e) {
            throw unavailable(db, e);
        }
    }

    private static boolean exists(Connection c, String db) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            ps.setString(1, db);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static String comment(Connection c, String db) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = ?")) {
            ps.setString(1, db);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private DatabaseUnavailableException unavailable(String db, SQLException e) {
        return new DatabaseUnavailableException("Could not create or drop the scratch database \"" + db + "\".",
                "SQLSTATE " + e.getSQLState() + ": " + e.getMessage(),
                "The verify role needs CREATEDB on the server (or set PGVAULT_VERIFY_SCRATCH_DATABASE empty to skip "
                        + "test restores).", e);
    }

    private static String ident(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }
}
