package io.pgvault.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.List;

/**
 * A backup, restore or verify job as stored in the vault at {@code <server>/.jobs/<id>.json}: what it is
 * doing, how far it got, and how it ended. Errors are stored rendered and redacted (problem, evidence,
 * HINT), never as stack traces.
 */
public record JobRecord(
        String id,
        JobKind kind,
        String server,
        JobState state,
        Instant startedAt,
        Instant updatedAt,
        Instant endedAt,
        String backupId,
        String target,
        long bytes,
        int filesDone,
        int filesTotal,
        List<Progress> progress,
        List<String> violations,
        Failure error,
        List<String> warnings) {

    /** Records written before {@code warnings} existed read as having none. */
    public JobRecord {
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
        progress = progress == null ? List.of() : progress;
    }

    public static final JobKind KIND_BACKUP = JobKind.BACKUP;
    public static final JobKind KIND_RESTORE = JobKind.RESTORE;
    public static final JobKind KIND_VERIFY = JobKind.VERIFY;

    /** Job states (short names for {@link JobState}). Terminal: Succeeded, Failed, Refused, Interrupted. */
    public static final JobState QUEUED = JobState.QUEUED;
    public static final JobState VALIDATING = JobState.VALIDATING;
    public static final JobState RUNNING = JobState.RUNNING;
    public static final JobState COPYING = JobState.COPYING;
    public static final JobState SUCCEEDED = JobState.SUCCEEDED;
    public static final JobState FAILED = JobState.FAILED;
    public static final JobState REFUSED = JobState.REFUSED;
    public static final JobState INTERRUPTED = JobState.INTERRUPTED;

    /**
     * Progress of one item (a database dump, a copied file, a test restore); {@code detail} says what the item
     * found where that is more than its state (e.g. what a test restore put into the scratch database), else null.
     */
    public record Progress(String name, JobState state, long bytes, double mbPerSecond,
            @JsonInclude(JsonInclude.Include.NON_NULL) String detail) {

        public Progress(String name, JobState state, long bytes, double mbPerSecond) {
            this(name, state, bytes, mbPerSecond, null);
        }
    }

    /** How a job failed: the failure kind and the whole user-facing message. */
    public record Failure(String code, String message) {
    }

    public boolean terminal() {
        return state.terminal();
    }

    public JobRecord withState(JobState newState, Instant now) {
        boolean ends = newState.terminal();
        return new JobRecord(id, kind, server, newState, startedAt, now, ends ? now : endedAt, backupId, target,
                bytes, filesDone, filesTotal, progress, violations, error, warnings);
    }

    public JobRecord withProgress(long newBytes, int done, int total, List<Progress> items, Instant now) {
        return new JobRecord(id, kind, server, state, startedAt, now, endedAt, backupId, target, newBytes, done, total,
                List.copyOf(items), violations, error, warnings);
    }

    public JobRecord failed(JobState newState, Failure failure, List<String> newViolations, Instant now) {
        // Items still under way when the job ended (e.g. the dumps of a killed run) end with it, not "Running".
        List<Progress> ended = progress.stream().map(p -> p.state().terminal() ? p
                : new Progress(p.name(), newState, p.bytes(), p.mbPerSecond(), p.detail())).toList();
        return new JobRecord(id, kind, server, newState, startedAt, now, now, backupId, target, bytes, filesDone,
                filesTotal, ended, newViolations == null ? violations : List.copyOf(newViolations), failure, warnings);
    }

    /** The job with more warnings: things that went wrong without failing it (e.g. an immutability policy not set). */
    public JobRecord withWarnings(List<String> more, Instant now) {
        if (more.isEmpty()) {
            return this;
        }
        List<String> all = new java.util.ArrayList<>(warnings);
        all.addAll(more);
        return new JobRecord(id, kind, server, state, startedAt, now, endedAt, backupId, target, bytes, filesDone,
                filesTotal, progress, violations, error, all);
    }
}
