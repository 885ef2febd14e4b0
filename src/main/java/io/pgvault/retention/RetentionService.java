package io.pgvault.retention;

import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import io.pgvault.config.PgvaultConfig;
import io.pgvault.config.Settings;
import io.pgvault.jobs.JobKind;
import io.pgvault.jobs.JobRecord;
import io.pgvault.jobs.JobStore;
import io.pgvault.jobs.ServerStatus;
import io.pgvault.vault.BackupLayout;
import io.pgvault.vault.FileProperties;
import io.pgvault.vault.Manifest;
import io.pgvault.vault.VaultStore;
import io.pgvault.vault.WeekClaims;
import io.pgvault.verify.VerifyService;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Applies the retention policy to a server's backups: plans what goes and why, then deletes it. Guards that
 * no rule overrides: the newest committed backup is never deleted; a backup with any blob under an unexpired
 * immutability policy or a legal hold is kept; and while the newest backup's latest verify or restore drill
 * failed, nothing at all is deleted. A backup is deleted manifest first (from then on it does not exist, even if the rest fails),
 * then its files, then its week claim. The same pass removes what dead runs left behind (a claim whose lease
 * lapsed with no manifest, or a folder with no manifest that no running backup claims) and records those
 * runs Interrupted.
 */
@ApplicationScoped
public class RetentionService {

    private static final Logger LOG = Logger.getLogger(RetentionService.class);

    private final PgvaultConfig config;
    private final VaultStore vault;
    private final WeekClaims weeks;
    private final JobStore jobs;
    private final VerifyService verifies;
    private final Clock clock;

    public RetentionService(PgvaultConfig config, VaultStore vault, WeekClaims weeks, JobStore jobs,
            VerifyService verifies, Clock clock) {
        this.config = config;
        this.vault = vault;
        this.weeks = weeks;
        this.jobs = jobs;
        this.verifies = verifies;
        this.clock = clock;
    }

    /** What happens to one committed backup. */
    public record Decision(String backupId, String isoWeek, Instant startedAt, long bytes, boolean delete,
            List<String> reasons) {
    }

    /** Leftovers of a run that never committed: its partial files and week claim. */
    public record Cleanup(String backupId, String isoWeek, String reason) {
    }

    /** Everything a prune would do, newest backup first, with the reason for each. */
    public record Plan(String server, Instant now, String policy, String blockedBy, List<Decision> backups,
            List<Cleanup> cleanups) {
        public List<Decision> deletions() {
            return backups.stream().filter(Decision::delete).toList();
        }

        public List<Decision> kept() {
            return backups.stream().filter(d -> !d.delete()).toList();
        }
    }

    /** What a prune did (nothing, for a dry run). */
    public record Outcome(Plan plan, boolean dryRun, List<String> deleted, List<String> cleaned, List<String> failures) {
    }

    /** The plan under the configured policy, now. */
    public Plan plan(String server) {
        return plan(server, RetentionPolicy.of(new Settings(config)), clock.instant());
    }

    /** The plan under {@code policy} at {@code now}. Reads the vault; changes nothing. */
    public Plan plan(String server, RetentionPolicy policy, Instant now) {
        BackupLayout.checkServer(server);
        List<Manifest> catalog = vault.catalog(server);          // newest first
        Set<String> committed = new HashSet<>();
        catalog.forEach(m -> committed.add(m.backupId()));
        List<Cleanup> cleanups = cleanups(server, committed, now);
        String blockedBy = catalog.isEmpty() ? null : verificationGate(server, catalog.get(0));
        Map<String, RetentionPolicy.Judgement> judged = policy.judge(
                catalog.stream().map(m -> new RetentionPolicy.Backup(m.backupId(), m.startedAt())).toList(), now);
        List<Decision> decisions = new ArrayList<>();
        for (int i = 0; i < catalog.size(); i++) {
            Manifest m = catalog.get(i);
            RetentionPolicy.Judgement j = judged.get(m.backupId());
            List<String> reasons = new ArrayList<>();
            if (i == 0) {
                reasons.add("newest committed backup (never deleted)");
            }
            reasons.addAll(j.keep());
            boolean delete = reasons.isEmpty();
            if (delete) {
                Optional<String> protectedBy = protection(server, m, now);
                if (protectedBy.isPresent()) {
                    reasons.add(protectedBy.get() + " (never deleted while it lasts); the rules alone would delete it: "
                            + String.join("; ", j.drop()));
                    delete = false;
                } else if (blockedBy != null) {
                    reasons.add("the rules would delete it (" + String.join("; ", j.drop()) + "), but nothing is "
                            + "deleted: " + blockedBy);
                    delete = false;
                } else {
                    reasons.addAll(j.drop());
                }
            }
            decisions.add(new Decision(m.backupId(), m.isoWeek(), m.startedAt(), m.totalBytes(), delete, List.copyOf(reasons)));
        }
        return new Plan(server, now, policy.describe(), blockedBy, List.copyOf(decisions),
                blockedBy == null ? cleanups : List.of());
    }

    /** Prunes the configured server under the configured policy (or only plans it, for a dry run). */
    public Outcome prune(String server, boolean dryRun) {
        return apply(plan(server), dryRun);
    }

    /** Prunes a server under its own policy (a registry entry's), now. */
    public Outcome prune(String server, RetentionPolicy policy, boolean dryRun) {
        return apply(plan(server, policy, clock.instant()), dryRun);
    }

    /** Carries out a plan: leftovers of dead runs first, then the backups the plan deletes, oldest first. */
    public Outcome apply(Plan plan, boolean dryRun) {
        List<String> deleted = new ArrayList<>();
        List<String> cleaned = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        if (dryRun) {
            return new Outcome(plan, true, deleted, cleaned, failures);
        }
        for (Cleanup c : plan.cleanups()) {
            try {
                cleanUp(plan.server(), c, plan.now());
                cleaned.add(c.backupId());
            } catch (RuntimeException e) {
                failures.add("leftovers of " + c.backupId() + ": " + e.getMessage());
            }
        }
        List<Decision> oldestFirst = new ArrayList<>(plan.deletions());
        java.util.Collections.reverse(oldestFirst);
        for (Decision d : oldestFirst) {
            try {
                delete(plan.server(), d, plan.now());
                deleted.add(d.backupId());
                LOG.infof("retention: deleted backup %s of %s (%s)", d.backupId(), plan.server(), String.join("; ", d.reasons()));
            } catch (RuntimeException e) {
                failures.add("backup " + d.backupId() + ": " + e.getMessage());
                LOG.warnf("retention: could not delete backup %s of %s: %s", d.backupId(), plan.server(), e.getMessage());
            }
        }
        expireJobs(plan, failures);
        return new Outcome(plan, false, deleted, cleaned, failures);
    }

    /** Job records get a retention too: those unchanged for pgvault.jobs.retention-days go. */
    private void expireJobs(Plan plan, List<String> failures) {
        try {
            int n = jobs.expire(plan.server(), plan.now().minus(Duration.ofDays(new Settings(config).jobsRetentionDays())));
            if (n > 0) {
                LOG.infof("retention: deleted %d job record(s) of %s older than %d days", n, plan.server(),
                        new Settings(config).jobsRetentionDays());
            }
        } catch (RuntimeException e) {
            failures.add("job records: " + e.getMessage());
        }
    }

    /** Why nothing may be deleted: the newest backup's latest verify or latest restore drill failed. */
    private String verificationGate(String server, Manifest newest) {
        // One small status document per server, not every job record of it; a vault from before status documents
        // is read the old way until its first job ends (drills came later: they are always in the document).
        Optional<ServerStatus> status = jobs.status(server);
        Optional<ServerStatus.JobSummary> verify = status.isPresent() ? status.get().verifyOf(newest.backupId())
                : verifies.lastResult(server, newest.backupId()).map(ServerStatus.JobSummary::of);
        Optional<ServerStatus.JobSummary> drill = status.flatMap(s -> s.drillOf(newest.backupId()));
        return java.util.stream.Stream.of(verify, drill).flatMap(Optional::stream)
                .filter(j -> JobRecord.FAILED.equals(j.state())).findFirst()
                .map(j -> "the newest backup " + newest.backupId() + (j.kind() == JobKind.DRILL
                        ? " failed its restore drill (" + j.jobId() + ", " + j.endedAt() + "); drill it again"
                        : " failed verification (" + j.jobId() + ", " + j.endedAt() + "); verify it again")
                        + " or take a new backup")
                .orElse(null);
    }

    /** The immutability policy or legal hold that protects any blob of a backup, if one does. */
    Optional<String> protection(String server, Manifest m, Instant now) {
        String prefix = BackupLayout.backupPrefix(server, m.backupId());
        List<String> paths = new ArrayList<>();
        paths.add(BackupLayout.MANIFEST);
        m.files().forEach(f -> paths.add(f.path()));
        for (String path : paths) {
            Optional<FileProperties> found;
            try {
                found = vault.files().fileProperties(prefix + path);
            } catch (PgvaultException e) {
                if (e.kind() != ErrorKind.VAULT_UNAVAILABLE) {
                    throw e;
                }
                return Optional.of("the protection of " + path + " could not be read (" + e.evidence()
                        + "), so it is kept to be safe");
            }
            if (found.isEmpty()) {
                continue;
            }
            FileProperties props = found.get();
            if (props.legalHold()) {
                return Optional.of("legal hold on " + path);
            }
            if (props.immutableUntil() != null && props.immutableUntil().isAfter(now)) {
                return Optional.of("immutability policy (" + props.immutabilityMode() + ") on " + path + " until "
                        + props.immutableUntil());
            }
        }
        return Optional.empty();
    }

    void delete(String server, Decision d, Instant now) {
        Manifest m = vault.manifest(server, d.backupId()).orElse(null);
        if (m == null) {
            return; // deleted by someone else meanwhile
        }
        Optional<String> protectedBy = protection(server, m, now); // re-checked: it may have changed since the plan
        if (protectedBy.isPresent()) {
            throw new IllegalStateException("kept: " + protectedBy.get());
        }
        String prefix = BackupLayout.backupPrefix(server, d.backupId());
        vault.deleteIfExists(prefix + BackupLayout.MANIFEST);   // 1. the backup stops existing
        List<String> left = vault.deletePrefix(prefix).left();  // 2. its files
        if (!left.isEmpty()) {
            throw new IllegalStateException("manifest deleted, but " + left.size() + " file(s) stayed: " + left
                    + "; the next prune removes them");
        }
        weeks.list(server, now).stream()                         // 3. its week claim
                .filter(c -> d.backupId().equals(c.doc().backupId()))
                .forEach(c -> weeks.delete(server, c));
    }

    /** Leftovers of runs that never committed and no longer run. Folders are listed before claims (see below). */
    private List<Cleanup> cleanups(String server, Set<String> committed, Instant now) {
        // A run creates its claim before its first file: a folder listed before the claims are read has its
        // claim in that read, unless its run released it (it failed, and removes its own files).
        List<String> folders = vault.backupFolders(server);
        List<WeekClaims.Found> claims = weeks.list(server, now);
        List<Cleanup> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (WeekClaims.Found c : claims) {
            if (c.abandoned() && seen.add(c.doc().backupId())) {
                out.add(new Cleanup(c.doc().backupId(), c.isoWeek(), "run claimed " + c.doc().claimedAt()
                        + " and died (lease lapsed, no manifest): Interrupted; partial files and claim removed"));
            }
        }
        for (String id : folders) {
            if (committed.contains(id) || seen.contains(id)) {
                continue;
            }
            boolean claimed = claims.stream().anyMatch(c -> id.equals(c.doc().backupId()) && !c.abandoned());
            if (!claimed) {
                seen.add(id);
                out.add(new Cleanup(id, null, "folder without manifest that no running backup claims: partial files removed"));
            }
        }
        return out;
    }

    private void cleanUp(String server, Cleanup c, Instant now) {
        if (vault.manifest(server, c.backupId()).isPresent()) {
            return; // it committed after all
        }
        List<String> left = vault.deletePrefix(BackupLayout.backupPrefix(server, c.backupId())).left();
        jobs.find(server, "backup-" + c.backupId()).filter(j -> !j.terminal()).ifPresent(j -> jobs.fail(j,
                JobRecord.INTERRUPTED, new PgvaultException(ErrorKind.DUMP_FAILED, "Backup " + c.backupId() + " was interrupted before its manifest.",
                        "its week claim lost its lease with no manifest written (process killed or timed out)",
                        "Nothing to do: it never became a backup; retention removed its partial files."), null));
        if (c.isoWeek() != null && left.isEmpty()) {
            weeks.list(server, now).stream()
                    .filter(f -> f.isoWeek().equals(c.isoWeek()) && c.backupId().equals(f.doc().backupId()) && f.abandoned())
                    .forEach(f -> weeks.delete(server, f));
        }
        if (!left.isEmpty()) {
            throw new IllegalStateException(left.size() + " file(s) could not be deleted: " + left);
        }
        LOG.infof("retention: removed the leftovers of backup run %s of %s (%s)", c.backupId(), server, c.reason());
    }
}
