package io.pgvault.restore.server;

import io.pgvault.config.PgvaultConfig;
import io.pgvault.config.Settings;
import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import io.pgvault.fleet.SecretResolver;
import io.pgvault.jobs.Stopwatch;
import io.pgvault.matrix.Verdict;
import io.pgvault.postgres.ServerInspector;
import io.pgvault.restore.RecoveryOption;
import io.pgvault.restore.RestoreChecks;
import io.pgvault.restore.RestoreKit;
import io.pgvault.restore.server.ServerRestoreReport.DatabaseOutcome;
import io.pgvault.restore.server.ServerRestoreReport.RestoreError;
import io.pgvault.vault.BackupLayout;
import io.pgvault.vault.Manifest;
import io.pgvault.vault.VaultStore;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Restores a backup straight into a PostgreSQL server: the roles (the kit's own filtered script,
 * {@link RolesStep}), then each database of the backup — created (an existing non-empty one is refused before
 * anything is touched, unless {@code Overwrite}), and its dump streamed from the vault into pg_restore
 * ({@link DatabaseLoad}). pg_restore's errors (an extension the target lacks, …) are collected per database with a
 * HINT, and the other databases are still restored. Never into the backup's source ({@link SourceGuard}), nor a
 * private address unless allowed ({@link ServerTargetGuard}). The checks ({@link #check}) are separate from the
 * work ({@link #run}) so the HTTP path can answer 202 in between; {@link #restore} does both.
 */
@ApplicationScoped
public class ServerRestore {

    private static final Logger LOG = Logger.getLogger(ServerRestore.class);

    private final PgvaultConfig config;
    private final SecretResolver secrets;
    private final VaultStore vault;
    private final RestoreChecks checks;
    private final SourceGuard sourceGuard;

    public ServerRestore(PgvaultConfig config, SecretResolver secrets, VaultStore vault, RestoreChecks checks,
            SourceGuard sourceGuard) {
        this.config = config;
        this.secrets = secrets;
        this.vault = vault;
        this.checks = checks;
        this.sourceGuard = sourceGuard;
    }

    /**
     * A checked restore, ready to run: nothing on the target was changed yet.
     *
     * @param nonEmpty the backup's databases that exist on the target and hold something (only with Overwrite)
     * @param empty    the backup's databases that exist on the target, empty (restored into as they are)
     * @param verdict  the support matrix's verdict (its note: restoring into a server is beyond the matrix)
     * @param names    the name each of the backup's databases gets on the target (identity, except for drills)
     */
    public record Plan(String server, Manifest manifest, PgTarget target, RecoveryOption option, byte[] rolesSql,
            List<String> nonEmpty, List<String> empty, Verdict verdict, TargetServer connection,
            UnaryOperator<String> names) {
    }

    /** Checks, then restores; synchronous. Throws the first refusal; database errors are in the report. */
    public ServerRestoreReport restore(String server, Manifest manifest, PgTarget target, RecoveryOption option,
            String marker) {
        return restore(server, manifest, target, option, marker, UnaryOperator.identity());
    }

    /**
     * Like {@link #restore(String, Manifest, PgTarget, RecoveryOption, String)}, each database restored under the
     * name {@code names} gives it (a drill restores under names of its own, so a drill server's own databases,
     * its {@code postgres} included, are never restored into). Outcomes keep the backup's database names.
     */
    public ServerRestoreReport restore(String server, Manifest manifest, PgTarget target, RecoveryOption option,
            String marker, UnaryOperator<String> names) {
        return run(check(server, manifest, target, option, names), marker, outcome -> { });
    }

    /** {@link #check(String, Manifest, PgTarget, RecoveryOption, UnaryOperator)} under the backup's own names. */
    public Plan check(String server, Manifest manifest, PgTarget target, RecoveryOption option) {
        return check(server, manifest, target, option, UnaryOperator.identity());
    }

    /**
     * Every check made before the target is changed: the target's fields and address, the matrix, the roles
     * script, the login, that the target is not the source, and the databases that exist there already.
     */
    public Plan check(String server, Manifest manifest, PgTarget target, RecoveryOption option,
            UnaryOperator<String> names) {
        PgTarget t = (target == null ? missingTarget() : target).checked();
        Settings settings = new Settings(config);
        new ServerTargetGuard(settings.fleetAllowedHosts(), settings.restorePrivateServerHosts()).check(t);
        Verdict verdict = checks.judge(manifest, List.of(), null, null, true);
        String prefix = BackupLayout.backupPrefix(server, manifest.backupId());
        byte[] rolesSql = checks.rolesScript(manifest, prefix);
        if (rolesSql != null) {
            RestoreKit.roles(manifest, rolesSql); // a roles.sql that cannot be read safely refuses the restore now
        }
        TargetServer connection = TargetServer.of(config, secrets, server, t);
        List<String> nonEmpty = new ArrayList<>();
        List<String> empty = new ArrayList<>();
        try (Connection c = connection.open("postgres")) {
            sourceGuard.check(manifest, ServerInspector.systemIdentifier(c), t);
            for (Manifest.DatabaseDump d : manifest.databaseDumps()) {
                String name = names.apply(d.database());
                if (TargetDatabases.exists(c, name)) {
                    (nonEmpty(connection, name) ? nonEmpty : empty).add(name);
                }
            }
        } catch (SQLException e) {
            throw connection.unavailable("check the target", e);
        }
        refuseCollisions(manifest, t, option, nonEmpty);
        return new Plan(server, manifest, t, option, rolesSql, nonEmpty, empty, verdict, connection, names);
    }

    /** Restores a checked plan; {@code progress} hears of each database as it ends. Never throws for one database. */
    public ServerRestoreReport run(Plan plan, String marker, Consumer<DatabaseOutcome> progress) {
        Stopwatch whole = Stopwatch.start();
        List<RestoreError> roleErrors = RolesStep.run(plan.connection(), plan.manifest(), plan.rolesSql());
        DatabaseLoad load = new DatabaseLoad(vault, plan.connection(),
                BackupLayout.backupPrefix(plan.server(), plan.manifest().backupId()));
        List<DatabaseOutcome> outcomes = new ArrayList<>();
        for (Manifest.DatabaseDump d : plan.manifest().databaseDumps()) {
            DatabaseOutcome outcome = database(plan, d, load, marker);
            outcomes.add(outcome);
            progress.accept(outcome);
        }
        ServerRestoreReport report = new ServerRestoreReport(plan.server(), plan.manifest().backupId(),
                plan.target().address(), roleErrors, outcomes, Duration.ofMillis(whole.millis()));
        LOG.infof("Restore of backup %s into %s: %d database(s), %d with errors, %d role error(s), %d bytes in %.1fs",
                plan.manifest().backupId(), plan.target().address(), outcomes.size(),
                outcomes.stream().filter(o -> !o.ok()).count(), roleErrors.size(), report.bytes(), whole.seconds());
        return report;
    }

    /** Drops the databases this restore created (their comment is {@code marker}); never another one. */
    public void dropRestored(PgTarget target, List<String> databases, String marker) {
        if (marker == null || marker.isBlank()) {
            throw new IllegalArgumentException("a marker is needed to tell pgvault's databases from others");
        }
        PgTarget t = target.checked();
        Settings settings = new Settings(config);
        new ServerTargetGuard(settings.fleetAllowedHosts(), settings.restorePrivateServerHosts()).check(t);
        TargetServer connection = TargetServer.of(config, secrets, "restore-target", t);
        try (Connection c = connection.open("postgres")) {
            for (String db : databases) {
                if (!TargetDatabases.NEVER_DROPPED.contains(db) && TargetDatabases.marked(c, db, marker)) {
                    TargetDatabases.drop(c, db);
                }
            }
        } catch (SQLException e) {
            throw connection.unavailable("drop the restored databases", e);
        }
    }

    /** One database: made ready (created, recreated, or an empty one used), then loaded; errors go in the outcome. */
    private DatabaseOutcome database(Plan plan, Manifest.DatabaseDump d, DatabaseLoad load, String marker) {
        Stopwatch took = Stopwatch.start();
        String db = plan.names().apply(d.database());
        PgRestoreErrors errors = new PgRestoreErrors(d.database());
        boolean created = false;
        boolean clean = false;
        try (Connection c = plan.connection().open("postgres")) {
            boolean exists = plan.nonEmpty().contains(db) || plan.empty().contains(db);
            if (plan.nonEmpty().contains(db) && TargetDatabases.NEVER_DROPPED.contains(db)) {
                clean = true; // Overwrite of postgres: pg_restore drops each object first
            } else if (plan.nonEmpty().contains(db)) {
                TargetDatabases.drop(c, db);
                exists = false;
            }
            if (!exists) {
                TargetDatabases.create(c, db, marker);
                created = true;
            }
            owner(c, d, db);
        } catch (SQLException e) {
            errors.add(new RestoreError("Could not create database " + BackupLayout.printable(db) + " on the target.",
                    "SQLSTATE " + e.getSQLState() + ": " + e.getMessage(), "The login needs CREATEDB (on Azure: the"
                            + " server admin); the other databases are restored. Fix it and restore again."));
            return new DatabaseOutcome(d.database(), false, false, 0, Duration.ofMillis(took.millis()), errors.errors());
        }
        long bytes = load.load(new Manifest.DatabaseDump(db, d.stages()), clean, errors);
        List<RestoreError> found = errors.errors();
        return new DatabaseOutcome(d.database(), created, found.isEmpty(), bytes, Duration.ofMillis(took.millis()), found);
    }

    /** The database's owner as in the source, where the login may act as that role (as restore.sh does). */
    private static void owner(Connection c, Manifest.DatabaseDump d, String db) throws SQLException {
        String owner = d.files().get(0).owner();
        if (owner != null && !owner.isEmpty() && !TargetDatabases.setOwner(c, db, owner)) {
            LOG.infof("Database %s keeps the restoring login as its owner: it cannot act as %s on the target",
                    BackupLayout.printable(db), BackupLayout.printable(owner));
        }
    }

    private static boolean nonEmpty(TargetServer connection, String db) throws SQLException {
        try (Connection c = connection.open(db)) {
            return TargetDatabases.nonEmpty(c);
        }
    }

    private static void refuseCollisions(Manifest m, PgTarget t, RecoveryOption option, List<String> nonEmpty) {
        if (nonEmpty.isEmpty() || option == RecoveryOption.OVERWRITE) {
            return;
        }
        throw new PgvaultException(ErrorKind.CONFLICT, "The target server already has " + nonEmpty.size()
                + " non-empty database(s) of backup " + m.backupId() + "; nothing was changed.",
                "target " + t.address() + ": " + String.join(", ", nonEmpty.stream().map(BackupLayout::printable).toList()),
                "Restore into another server, drop those databases first, or restore with recoveryOption Overwrite"
                        + " (drops and recreates them; postgres is cleaned object by object).");
    }

    private static PgTarget missingTarget() {
        throw new PgvaultException(ErrorKind.INVALID_REQUEST, "targetServer is missing.", "(no target server)",
                "Give targetServer: {\"host\":…,\"port\":5432,\"user\":…,\"sslmode\":\"require\",\"auth\":\"entra\"}.");
    }
}
