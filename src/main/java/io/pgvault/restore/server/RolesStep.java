package io.pgvault.restore.server;

import io.pgvault.errors.Redactor;
import io.pgvault.restore.RestoreKit;
import io.pgvault.restore.server.ServerRestoreReport.RestoreError;
import io.pgvault.verify.PgRestoreFeed;
import io.pgvault.vault.Manifest;

import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Creates a backup's roles on the target by running, with psql, the very file restore.sh runs:
 * {@link RestoreKit#ROLES_MANAGED}, made from roles.sql by {@code roles/RoleFilter} and {@code roles/PsqlRoles} —
 * one implementation for both paths. Reserved roles (azure_*, pg_*) are left out, SUPERUSER/REPLICATION/BYPASSRLS
 * become NO…, existing roles are altered instead of created, the login's own role and the bootstrap superuser
 * are never touched, and a non-superuser admin joins each role it restores. Like restore.sh, an error does not
 * stop the restore: psql goes on, and each ERROR line is reported with a HINT.
 */
final class RolesStep {

    private static final Duration TIMEOUT = Duration.ofHours(1);

    private RolesStep() {
    }

    /** Runs the roles script of {@code manifest} ({@code rolesSql} as stored, null: none) on the target. */
    static List<RestoreError> run(TargetServer target, Manifest manifest, byte[] rolesSql) {
        if (rolesSql == null) {
            return List.of();
        }
        byte[] script = RestoreKit.roles(manifest, rolesSql).get(RestoreKit.ROLES_MANAGED);
        List<String> lines = new ArrayList<>();
        PgRestoreFeed.Result r = PgRestoreFeed.run(target.command("postgres", "psql", List.of("-X", "-q", "-f", "-")),
                new ByteArrayInputStream(script), TIMEOUT, line -> {
                    synchronized (lines) {
                        lines.add(Redactor.redact(line));
                    }
                });
        List<RestoreError> errors = new ArrayList<>();
        for (String line : lines) {
            if (line.contains("ERROR:") && errors.size() < PgRestoreErrors.MAX) {
                errors.add(new RestoreError("Creating the roles reported an error.", line.strip(),
                        "The other roles and the databases are still restored. A role the target reserves or a"
                                + " non-superuser admin may not create (superusers) is expected to be missing; create any"
                                + " other one by hand, then restore again with recoveryOption Overwrite."));
            }
        }
        if (r.exit() != 0 && errors.isEmpty()) {
            errors.add(new RestoreError("psql could not run the roles script.", r.problem(),
                    "Check that psql is installed next to pg_restore (PGVAULT_PG_BIN_DIR) and that the target accepts"
                            + " the login."));
        }
        return errors;
    }
}
