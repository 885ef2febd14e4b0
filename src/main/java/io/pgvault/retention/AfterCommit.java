package io.pgvault.retention;

import io.pgvault.jobs.JobRecord;
import io.pgvault.jobs.JobStore;
import io.pgvault.vault.Manifest;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import io.pgvault.config.PgvaultConfig;
import io.pgvault.config.Settings;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * What a backup run does once its manifest is committed: make the backup immutable (if configured), then
 * apply the retention policy. Nothing here can fail or undo the backup: every problem becomes a warning in
 * the backup's job record.
 */
@ApplicationScoped
public class AfterCommit {

    private static final Logger LOG = Logger.getLogger(AfterCommit.class);

    private final PgvaultConfig config;
    private final ImmutabilityService immutability;
    private final RetentionService retention;
    private final JobStore jobs;
    private final Clock clock;

    public AfterCommit(PgvaultConfig config, ImmutabilityService immutability, RetentionService retention, JobStore jobs,
            Clock clock) {
        this.config = config;
        this.immutability = immutability;
        this.retention = retention;
        this.jobs = jobs;
        this.clock = clock;
    }

    /** Runs both steps for a committed backup of the settings server (its configured rules). Never throws. */
    public JobRecord run(Manifest manifest, JobRecord job) {
        return run(manifest, job, RetentionPolicy.of(new Settings(config)));
    }

    /** Runs both steps for a committed backup under {@code policy}; returns the job with any warnings (saved). Never throws. */
    public JobRecord run(Manifest manifest, JobRecord job, RetentionPolicy policy) {
        List<String> warnings = new ArrayList<>();
        try {
            warnings.addAll(immutability.protect(manifest));
        } catch (RuntimeException e) {
            warnings.add("WARNING: the immutability step failed: " + e.getMessage());
        }
        if (new Settings(config).pruneAfterBackup()) {
            try {
                RetentionService.Outcome o = retention.prune(manifest.server(), policy, false);
                if (o.plan().blockedBy() != null) {
                    warnings.add("WARNING: retention deleted nothing: " + o.plan().blockedBy());
                }
                o.failures().forEach(f -> warnings.add("WARNING: retention: " + f));
                LOG.infof("retention after backup %s: %d deleted, %d kept, %d leftover(s) of dead runs removed",
                        manifest.backupId(), o.deleted().size(), o.plan().kept().size(), o.cleaned().size());
            } catch (RuntimeException e) {
                warnings.add("WARNING: retention did not run: " + e.getMessage());
            }
        }
        if (warnings.isEmpty()) {
            return job;
        }
        JobRecord updated = job.withWarnings(warnings, clock.instant());
        try {
            jobs.save(updated);
        } catch (RuntimeException e) {
            LOG.warnf("Could not save the warnings of %s: %s", job.id(), e.getMessage());
        }
        return updated;
    }
}
