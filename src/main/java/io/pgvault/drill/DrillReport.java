package io.pgvault.drill;

import java.time.Instant;
import java.util.List;

/**
 * The evidence of one restore drill, stored at {@code <server>/.drills/<jobId>.json} next to its job record and
 * answered by {@code GET /api/drills} and {@code bin/pgvault drills}: which backup (and how old it was), where it
 * was restored, how long the restore took, what it restored, and every check with its result.
 *
 * @param jobId           the drill's job ({@code drill-…}, kind {@code drill})
 * @param server          the protected server whose backup was drilled
 * @param backupId        the newest committed backup at the time, or null if the server had none
 * @param backupAgeHours  hours between the backup's commit and the drill's start
 * @param drillServer     {@code host:port} of the drill server
 * @param startedAt       when the drill started
 * @param endedAt         when it ended (after the drop)
 * @param restoreSeconds  how long the restore into the drill server took
 * @param bytes           bytes restored (the backup's database files)
 * @param databases       one line per database of the backup
 * @param tables          tables checked
 * @param checks          every check, in order; the drill passed if none failed
 * @param passed          whether every check passed
 * @param error           why the drill could not run to its checks (rendered, with its HINT), or null
 */
public record DrillReport(String jobId, String server, String backupId, double backupAgeHours, String drillServer,
        Instant startedAt, Instant endedAt, double restoreSeconds, long bytes, List<Database> databases, int tables,
        List<Check> checks, boolean passed, String error) {

    /** Outcomes of a check: failed ones fail the drill; {@code INFO} reports what cannot be held exact (estimates). */
    public enum Outcome { PASSED, FAILED, INFO }

    /**
     * One check.
     *
     * @param name    what was checked, e.g. {@code rows of "shop".public.orders}
     * @param outcome passed, failed or info
     * @param detail  what was found (expected and actual)
     */
    public record Check(String name, Outcome outcome, String detail) {
        static Check of(String name, boolean ok, String detail) {
            return new Check(name, ok ? Outcome.PASSED : Outcome.FAILED, detail);
        }
    }

    /**
     * One database of the backup on the drill server.
     *
     * @param name     database name
     * @param created  whether the drill created it (only those are dropped)
     * @param restored whether pg_restore restored it without an error
     * @param bytes    bytes of its dump
     * @param seconds  how long its restore took
     * @param dropped  whether it was dropped again after the checks
     */
    public record Database(String name, boolean created, boolean restored, long bytes, double seconds, boolean dropped) {
    }

    /** The failed checks. */
    public List<Check> failures() {
        return checks.stream().filter(c -> c.outcome() == Outcome.FAILED).toList();
    }
}
