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
        String kind,
        String server,
        String state,
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

    public static final String KIND_BACKUP = "backup";
    public static final String KIND_RESTORE = "restore";
    public static final String KIND_VERIFY = "verify";

    /** Job states. Terminal: Succeeded, Failed, Refused, Interrupted. */
    public static final String QUEUED = "Queued";
    public static final String VALIDATING = "Validating";
    public static final String RUNNING = "Running";
    public static final String COPYING = "Copying";
    public static final String SUCCEEDED = "Succeeded";
    public static final String FAILED = "Failed";
    public static final String REFUSED = "Refused";
    public static final String INTERRUPTED = "Interrupted";

    /**
     * Progress of one item (a database dump, a copied file, a test restore); {@code detail} says what the item
     * found where that is more than its state (e.g. what a test restore put into the scratch database), else null.
     */
    public record Progress(String name, String state, long bytes, double mbPerSecond,
            @JsonInclude(JsonInclude.Include.NON_NULL) String detail) {

        public Progress(String name, String state, long bytes, double mbPerSecond) {
            this(name, state, bytes, mbPerSecond, null);
        }
    }

    /** How a job failed: the failure kind and the whole user-facing message. */
    public record Failure(String code, String message) {
    }

    public boolean terminal() {
        return isTerminal(state);
    }

    private static boolean isTerminal(String state) {
        return SUCCEEDED.equals(state) || FAILED.equals(state) || REFUSED.equals(state) || INTERRUPTED.equals(state);
    }

    public JobRecord withState(String newState, Instant now) {
        boolean ends = SUCCEEDED.equals(newState) || FAILED.equals(newState) || REFUSED.equals(newState)
                || INTERRUPTED.equals(newState);
        return new JobRecord(id, kind, server, newState, startedAt, now, ends ? now : endedAt, backupId, target,
                bytes, filesDone, filesTotal, progress, violations, error, warnings);
    }

    public JobRecord withProgress(long newBytes, int done, int total, List<Progress> items, Instant now) {
        return new JobRecord(id, kind, server, state, startedAt, now, endedAt, backupId, target, newBytes, done, total,
                List.copyOf(items), violations, error, warnings);
    }

    public JobRecord failed(String newState, Failure failure, List<String> newViolations, Instant now) {
        // Items still under way when the job ended (e.g. the dumps of a killed run) end with it, not "Running".
        List<Progress> ended = progress.stream().map(p -> isTerminal(p.state()) ? p
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
