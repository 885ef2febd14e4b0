package io.pgvault.cli;

import io.pgvault.catalog.CatalogService;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import io.pgvault.jobs.JobRecord;
import io.pgvault.matrix.Units;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code pgvault jobs}: backup, restore and verify jobs with their progress and errors. */
@Dependent
@Unremovable
@Command(name = "jobs", description = "List jobs (backup, restore, verify), newest first, with each item's progress.",
        footer = {"%nExample:", "  bin/pgvault jobs --server prod-eu --json"})
public class JobsCommand implements Callable<Integer> {

    @Inject
    CatalogService catalog;

    @Option(names = "--server", description = "Server name (default: PGVAULT_SERVER_NAME).")
    String server;

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() {
        var jobs = catalog.jobs(server);
        output.print(jobs, out -> {
            out.printf("%-44s %-8s %-12s %-18s %-20s %10s %7s%n", "JOB", "KIND", "STATE", "BACKUP", "STARTED",
                    "SIZE", "FILES");
            jobs.forEach(j -> printJob(out, j));
        });
        return 0;
    }

    private static void printJob(PrintWriter out, JobRecord j) {
        out.printf("%-44s %-8s %-12s %-18s %-20s %10s %3d/%-3d%n", j.id(), j.kind(), j.state(),
                j.backupId() == null ? "" : j.backupId(),
                j.startedAt() == null ? "" : j.startedAt().toString().substring(0, 19), Units.bytes(j.bytes()),
                j.filesDone(), j.filesTotal());
        j.progress().forEach(p -> out.printf("    %-40s %-10s %10s%s%n", p.name(), p.state(), Units.bytes(p.bytes()),
                rate(p)).flush());
        j.warnings().forEach(w -> out.println("    " + w.replace("\n", "\n    ")));
        if (j.error() != null) {
            out.println("    " + j.error().message().replace("\n", "\n    "));
        }
    }

    /** An item's rate, from the recorded MB/s, only where it means something (see {@link Units#rate}). */
    static String rate(JobRecord.Progress p) {
        if (p.mbPerSecond() <= 0) {
            return "";
        }
        long millis = Math.round(p.bytes() / (p.mbPerSecond() * 1e6) * 1000);
        String r = Units.rate(p.bytes(), Duration.ofMillis(millis));
        return r.isEmpty() ? "" : "  " + r;
    }
}
