package io.pgvault.restore.server;

import java.time.Duration;
import java.util.List;

/**
 * What a restore into a server did: the roles step's errors, then one outcome per database of the backup, in
 * the manifest's order. A database with errors does not stop the others.
 *
 * @param server     the backed-up server's name in the vault
 * @param backupId   the restored backup
 * @param target     the target server ({@link PgTarget#address()})
 * @param roleErrors what psql reported while creating the roles (empty: none)
 * @param databases  each database's outcome
 * @param duration   the whole restore's wall time
 */
public record ServerRestoreReport(String server, String backupId, String target, List<RestoreError> roleErrors,
        List<DatabaseOutcome> databases, Duration duration) {

    public ServerRestoreReport {
        roleErrors = List.copyOf(roleErrors);
        databases = List.copyOf(databases);
    }

    /** Whether the roles and every database were restored without an error. */
    public boolean ok() {
        return roleErrors.isEmpty() && databases.stream().allMatch(DatabaseOutcome::ok);
    }

    /** The bytes of every dump streamed into pg_restore (as stored, compressed). */
    public long bytes() {
        return databases.stream().mapToLong(DatabaseOutcome::bytes).sum();
    }

    /**
     * One database's outcome.
     *
     * @param name     the database
     * @param created  whether this restore created it (then it carries the restore's marker, if one was given)
     * @param ok       restored without any error
     * @param bytes    bytes of its dump file(s) streamed from the vault (as stored)
     * @param duration its wall time
     * @param errors   what went wrong, each with a HINT (pg_restore's errors, a file that did not match its hash)
     */
    public record DatabaseOutcome(String name, boolean created, boolean ok, long bytes, Duration duration,
            List<RestoreError> errors) {

        public DatabaseOutcome {
            errors = List.copyOf(errors);
        }
    }

    /**
     * One error: what failed, the evidence (the tool's own message, the TOC entry, the statement), and how to fix it.
     */
    public record RestoreError(String problem, String evidence, String hint) {

        /** problem, evidence and HINT on three lines, as every pgvault error reads. */
        public String render() {
            return problem + (evidence == null || evidence.isBlank() ? "" : "\n  evidence: " + evidence)
                    + "\nHINT: " + hint;
        }
    }
}
