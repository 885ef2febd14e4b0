package io.pgvault.drill;

import io.pgvault.drill.DrillReport.Check;
import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import io.pgvault.jobs.JobRecord;
import io.pgvault.jobs.JobState;
import io.pgvault.restore.server.ServerRestoreReport;
import io.pgvault.vault.Manifest;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads {@link ServerRestoreReport} for a drill (the one place that knows its shape) and turns a drill's report
 * into what its job record shows: a line per database and per failed check, and the error of a failed drill.
 */
final class DrillOutcomes {

    private DrillOutcomes() {
    }

    /** The restore's outcome for one database, if it reported one. */
    static Optional<ServerRestoreReport.DatabaseOutcome> of(String database, ServerRestoreReport restored) {
        return restored == null ? Optional.empty()
                : restored.databases().stream().filter(d -> d.name().equals(database)).findFirst();
    }

    /** "Restored without error": the restore created the database and pg_restore reported nothing. */
    static Check restoredCheck(String database, ServerRestoreReport restored) {
        String name = "restore of " + RestoredChecks.quoted(database);
        return of(database, restored).map(d -> Check.of(name, d.ok(), d.ok() ? d.bytes() + " bytes restored"
                : d.errors().stream().map(ServerRestoreReport.RestoreError::render).collect(Collectors.joining("\n"))))
                .orElse(Check.of(name, false, "the restore did not report this database"));
    }

    /**
     * The roles step: reported, not failed. The drill server keeps the roles of earlier drills and other servers,
     * and a role error does not say a database was restored wrong (the database checks do).
     */
    static Check rolesCheck(ServerRestoreReport restored) {
        List<ServerRestoreReport.RestoreError> errors = restored.roleErrors();
        return errors.isEmpty() ? Check.of("roles", true, "created without error")
                : new Check("roles", DrillReport.Outcome.INFO, errors.size() + " error(s): " + errors.stream().limit(3)
                        .map(ServerRestoreReport.RestoreError::problem).collect(Collectors.joining(" | ")));
    }

    /** One line per database of the backup. */
    static List<DrillReport.Database> databases(Manifest m, ServerRestoreReport restored, Set<String> dropped) {
        return m.databaseDumps().stream().map(db -> of(db.database(), restored)
                .map(d -> new DrillReport.Database(db.database(), d.created(), d.ok(), d.bytes(),
                        d.duration().toMillis() / 1000.0, dropped.contains(db.database())))
                .orElse(new DrillReport.Database(db.database(), false, false,
                        db.files().stream().mapToLong(Manifest.File::bytes).sum(), 0, dropped.contains(db.database()))))
                .toList();
    }

    /** The job record's lines: each database, then each failed check. */
    static List<JobRecord.Progress> progress(DrillReport r) {
        List<JobRecord.Progress> lines = new java.util.ArrayList<>();
        for (DrillReport.Database d : r.databases()) {
            lines.add(new JobRecord.Progress("database " + RestoredChecks.quoted(d.name()), d.restored() ? JobState.SUCCEEDED
                    : JobState.FAILED, d.bytes(), 0, (d.created() ? "created" : "not created")
                    + (d.dropped() ? ", dropped" : "")));
        }
        r.failures().forEach(c -> lines.add(new JobRecord.Progress(c.name(), JobState.FAILED, 0, 0, c.detail())));
        return lines;
    }

    /** The error of a drill whose checks failed: each failed check named, with what was found. */
    static PgvaultException failed(DrillReport r) {
        List<Check> failures = r.failures();
        return new PgvaultException(ErrorKind.INTEGRITY, "Restore drill of backup " + r.backupId() + " of server " + r.server()
                + " failed: " + failures.size() + " check(s) failed (" + failures.stream().map(Check::name).limit(5)
                .collect(Collectors.joining(", ")) + ").", failures.stream().limit(10).map(c -> c.name() + ": " + c.detail())
                .collect(Collectors.joining("\n")), "The backup did not restore to what it recorded: verify it "
                + "(bin/pgvault verify), take a new backup, and keep this one for investigation. Retention deletes "
                + "nothing of this server until its newest backup drills or verifies clean.");
    }

    /** Refusals: the drill server may not be used (it is the source, a bad setting, a host not allowed). */
    static boolean refusal(PgvaultException e) {
        return e.kind() == ErrorKind.RESTORE_TARGET || e.kind() == ErrorKind.INVALID_REQUEST
                || e.kind() == ErrorKind.BAD_SETTING || e.kind() == ErrorKind.CONFLICT;
    }
}
