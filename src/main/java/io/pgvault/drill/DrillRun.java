package io.pgvault.drill;

import io.pgvault.drill.DrillReport.Check;
import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import io.pgvault.errors.Redactor;
import io.pgvault.jobs.JobContext;
import io.pgvault.jobs.JobKind;
import io.pgvault.jobs.JobRecord;
import io.pgvault.jobs.JobState;
import io.pgvault.jobs.JobStore;
import io.pgvault.jobs.Stopwatch;
import io.pgvault.postgres.PgTools;
import io.pgvault.restore.RecoveryOption;
import io.pgvault.restore.server.ServerRestore;
import io.pgvault.restore.server.ServerRestoreReport;
import io.pgvault.vault.BackupLayout;
import io.pgvault.vault.Manifest;
import io.pgvault.vault.VaultStore;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * One restore drill of one backup, as a job of kind {@code drill}: restore it into the drill server through
 * {@link ServerRestore} (which refuses the backup's own source server), check every database ({@link RestoredChecks}
 * against the manifest's table statistics and the dump's own table of contents), drop the databases this drill
 * created (only those: they carry the drill's job id as their marker), then store the {@link DrillReport} and end
 * the job. The job ends Succeeded only if every check passed; a failed drill is what retention's gate reads.
 */
@ApplicationScoped
public class DrillRun {

    private static final Logger LOG = Logger.getLogger(DrillRun.class);

    private final JobStore jobs;
    private final ServerRestore restore;
    private final VaultStore vault;
    private final PgTools tools;
    private final Clock clock;

    public DrillRun(JobStore jobs, ServerRestore restore, VaultStore vault, PgTools tools, Clock clock) {
        this.jobs = jobs;
        this.restore = restore;
        this.vault = vault;
        this.tools = tools;
        this.clock = clock;
    }

    /** Drills backup {@code m} of {@code server} into {@code drill}; the stored report. */
    DrillReport run(String server, Manifest m, DrillServer drill) {
        Instant start = clock.instant();
        JobRecord job = jobs.start("drill-" + UUID.randomUUID(), JobKind.DRILL, server, JobState.RUNNING, m.backupId(),
                "drill server " + drill.target().address());
        try (JobContext.Scope scope = JobContext.job(server, job.id())) {
            LOG.infof("Restore drill %s: backup %s of %s into %s", job.id(), m.backupId(), server, drill.target().address());
            Outcome o = restoreAndCheck(job, m, drill);
            DrillReport report = report(job, m, drill, start, o);
            vault.createJson(BackupLayout.drillReportPath(server, job.id()), report);
            end(job, report, o);
            return report;
        }
    }

    /** What the restore and the checks found, and which databases the drill created and dropped. */
    private record Outcome(List<DrillReport.Database> databases, List<Check> checks, double restoreSeconds, long bytes,
            int tables, PgvaultException error) {
    }

    /**
     * The name each database gets on the drill server: its own, never the backup's, so a drill never restores into
     * a database the drill server has (its {@code postgres} above all) and two drills never meet.
     */
    static Map<String, String> drillNames(Manifest m, String jobId) {
        Map<String, String> names = new LinkedHashMap<>();
        String run = jobId.replace("drill-", "").replace("-", "").substring(0, 12);
        for (Manifest.DatabaseDump d : m.databaseDumps()) {
            names.put(d.database(), "pgvault_drill_" + run + "_" + (names.size() + 1));
        }
        return names;
    }

    private Outcome restoreAndCheck(JobRecord job, Manifest m, DrillServer drill) {
        Map<String, String> onDrill = drillNames(m, job.id());
        List<String> names = List.copyOf(onDrill.values());
        Stopwatch watch = Stopwatch.start();
        ServerRestoreReport restored = null;
        PgvaultException error = null;
        try {
            restored = restore.restore(m.server(), m, drill.target(), RecoveryOption.FAIL_IF_EXISTS, job.id(),
                    onDrill::get);
        } catch (PgvaultException e) {
            error = e;
        } catch (RuntimeException e) {
            error = new PgvaultException(ErrorKind.DUMP_FAILED, "The restore into the drill server failed unexpectedly.",
                    e.getClass().getSimpleName() + ": " + Redactor.redact(String.valueOf(e.getMessage())),
                    "Run the drill again; if it fails again, report it with the function's log.", e);
        }
        double seconds = watch.seconds();
        List<Check> checks = new ArrayList<>();
        int[] tables = {0};
        if (error != null) {
            checks.add(Check.of("restore of backup " + m.backupId() + " into the drill server", false, error.render()));
        } else {
            checks.addAll(checkAll(m, restored, drill, tables, onDrill));
        }
        List<String> created = restored == null ? List.of() : restored.databases().stream()
                .filter(ServerRestoreReport.DatabaseOutcome::created).map(ServerRestoreReport.DatabaseOutcome::name).toList();
        Set<String> dropped = drop(drill, names, created, onDrill, job.id(), checks);
        List<DrillReport.Database> dbs = DrillOutcomes.databases(m, restored, dropped);
        return new Outcome(dbs, checks, seconds, dbs.stream().mapToLong(DrillReport.Database::bytes).sum(), tables[0], error);
    }

    /** Every database restored without error, then its own checks (only for those restored). */
    private List<Check> checkAll(Manifest m, ServerRestoreReport restored, DrillServer drill, int[] tables,
            Map<String, String> onDrill) {
        List<Check> checks = new ArrayList<>();
        checks.add(DrillOutcomes.rolesCheck(restored));
        for (Manifest.DatabaseDump db : m.databaseDumps()) {
            Check restoredOk = DrillOutcomes.restoredCheck(db.database(), restored);
            checks.add(restoredOk);
            if (restoredOk.outcome() != DrillReport.Outcome.PASSED) {
                continue;
            }
            if (!RestoredChecks.hasStatistics(db)) {
                checks.add(new Check("tables of " + RestoredChecks.quoted(db.database()), DrillReport.Outcome.INFO,
                        "this backup recorded no table statistics (taken before pgvault recorded them): not compared"));
            }
            List<Manifest.TableStat> recorded = RestoredChecks.recorded(db);
            tables[0] += recorded.size();
            checks.addAll(checkOne(m, db, recorded, drill, onDrill.get(db.database())));
        }
        return checks;
    }

    private List<Check> checkOne(Manifest m, Manifest.DatabaseDump db, List<Manifest.TableStat> recorded, DrillServer drill,
            String onDrill) {
        try (Connection c = drill.open(onDrill)) {
            DumpContents.Contents dump = DumpContents.of(vault, tools, m.server(), m.backupId(), db);
            return RestoredChecks.run(c, db.database(), recorded, dump);
        } catch (SQLException e) {
            return List.of(Check.of("checks of " + RestoredChecks.quoted(db.database()), false,
                    "could not be read on the drill server: " + Redactor.redact(String.valueOf(e.getMessage()))));
        } catch (PgvaultException e) {
            return List.of(Check.of("contents of the dump of " + RestoredChecks.quoted(db.database()), false, e.render()));
        }
    }

    /**
     * Drops what this drill created (ServerRestore drops only databases carrying its marker, the job id), then
     * looks: the databases it created that are gone. One still there is a failed check.
     */
    private Set<String> drop(DrillServer drill, List<String> names, List<String> created, Map<String, String> onDrill,
            String marker, List<Check> checks) {
        String name = "drop of the databases this drill created";
        try {
            restore.dropRestored(drill.target(), names, marker);
            List<String> left = new ArrayList<>();
            try (Connection c = drill.open("postgres")) {
                for (String db : created) {
                    if (DrillDatabases.exists(c, onDrill.get(db))) {
                        left.add(db);
                    }
                }
            }
            checks.add(Check.of(name, left.isEmpty(), left.isEmpty() ? created.size() + " dropped, none left"
                    : "still on the drill server: " + String.join(", ", left)));
            return created.stream().filter(db -> !left.contains(db)).collect(java.util.stream.Collectors.toSet());
        } catch (SQLException | RuntimeException e) {
            String why = e instanceof PgvaultException p ? p.render() : Redactor.redact(String.valueOf(e.getMessage()));
            checks.add(Check.of(name, false, why));
            return Set.of();
        }
    }

    private DrillReport report(JobRecord job, Manifest m, DrillServer drill, Instant start, Outcome o) {
        double ageHours = Duration.between(m.finishedAt(), start).toMinutes() / 60.0;
        boolean passed = o.error() == null && o.checks().stream().noneMatch(c -> c.outcome() == DrillReport.Outcome.FAILED);
        return new DrillReport(job.id(), job.server(), m.backupId(), ageHours, drill.target().address(), start,
                clock.instant(), o.restoreSeconds(), o.bytes(), o.databases(), o.tables(), o.checks(), passed,
                o.error() == null ? null : o.error().render());
    }

    /** Ends the job: Succeeded, Refused (the drill server may not be used), or Failed naming the failed checks. */
    private void end(JobRecord job, DrillReport report, Outcome o) {
        List<JobRecord.Progress> lines = DrillOutcomes.progress(report);
        JobRecord done = job.withProgress(report.bytes(), (int) report.databases().stream()
                .filter(DrillReport.Database::restored).count(), report.databases().size(), lines, clock.instant());
        if (report.passed()) {
            jobs.save(done.withState(JobState.SUCCEEDED, clock.instant()));
            LOG.infof("Restore drill %s passed: %d checks", job.id(), report.checks().size());
            return;
        }
        PgvaultException failure = o.error() != null ? o.error() : DrillOutcomes.failed(report);
        JobState state = o.error() != null && DrillOutcomes.refusal(o.error()) ? JobState.REFUSED : JobState.FAILED;
        jobs.fail(done, state, failure, null);
        LOG.warnf("Restore drill %s %s: %s", job.id(), state, Redactor.redact(failure.problem()));
    }
}
