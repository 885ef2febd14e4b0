package io.pgvault.cli;

import io.pgvault.jobs.JobRecord;
import io.pgvault.verify.VerifyAccepted;
import io.pgvault.verify.VerifyRequest;
import io.pgvault.verify.VerifyService;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import io.pgvault.matrix.Units;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code pgvault verify}: read backups back and prove them restorable; waits; exit 0 only if all are good. */
@Dependent
@Unremovable
@Command(name = "verify", description = "Read backups back from the vault: size and SHA-256 of every file, each dump's "
        + "table of contents (pg_restore --list), optionally a test restore. Exit 0 only if every backup is good, "
        + "4 if a file is damaged, 1 on other failures.",
        footer = {"%nExample:", "  bin/pgvault verify --backup all --test-restore"})
public class VerifyCommand implements Callable<Integer> {

    /** Exit code when verification found a damaged backup. */
    static final int DAMAGED = 4;

    @Inject
    VerifyService verifies;

    @Option(names = "--backup", defaultValue = "latest", description = "Backup id, 'latest' or 'all'.")
    String backup;

    @Option(names = "--server", description = "Server name (default: PGVAULT_SERVER_NAME).")
    String server;

    @Option(names = "--test-restore", negatable = true, description = "Test-restore each dump into "
            + "PGVAULT_VERIFY_SCRATCH_DATABASE (default: when it is set).")
    Boolean testRestore;

    @Option(names = "--timeout", defaultValue = "PT12H", description = "How long to wait (ISO-8601 duration).")
    Duration timeout;

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() throws InterruptedException {
        VerifyAccepted accepted = verifies.start(new VerifyRequest(server, backup, testRestore));
        List<String> ids = accepted.jobs().stream().map(VerifyAccepted.Job::verifyId).toList();
        if (!output.json()) {
            output.out().printf("verifying %d backup(s) of %s%n", ids.size(), accepted.server());
        }
        List<JobRecord> jobs;
        try (var live = output.progress()) {
            jobs = new ArrayList<>(verifies.await(accepted.server(), ids, timeout));
        }
        output.print(jobs, out -> jobs.forEach(job -> printJob(out, job)));
        int exit = 0;
        for (JobRecord job : jobs) {
            if (!JobRecord.SUCCEEDED.equals(job.state())) {
                boolean damaged = job.error() != null && "integrity".equals(job.error().code());
                exit = Math.max(exit, damaged ? DAMAGED : 1);
                System.err.println("pgvault: " + (job.error() == null ? "verify did not finish in " + timeout
                        : job.error().message()));
            }
        }
        return exit;
    }

    private static void printJob(PrintWriter out, JobRecord job) {
        out.printf("%s %s: %s, %d/%d files, %s%n", job.backupId(), job.id(), job.state(), job.filesDone(),
                job.filesTotal(), Units.bytes(job.bytes()));
        job.progress().forEach(p -> out.printf("    %-44s %-10s %10s%s%s%n", p.name(), p.state(),
                Units.bytes(p.bytes()), JobsCommand.rate(p), p.detail() == null ? "" : ": " + p.detail()));
    }
}
