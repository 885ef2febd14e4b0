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

    /** Restores one dump into a fresh scratch database and drops it again; the problem, if it failed. */
    Optional<String> restore(String prefix, Manifest.File file) {
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
            return r.ok() ? Optional.empty() : Optional.of(r.problem());
        } catch (IOException e) {
            return Optional.of("could not read the dump: " + e.getMessage());
        } finally {
            drop(db);
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
