package io.pgvault.cli;

import io.pgvault.catalog.CatalogService;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code pgvault jobs}: backup, restore and verify jobs with their progress and errors. */
@Dependent
@Unremovable
@Command(name = "jobs", description = "List jobs (backup, restore, verify), newest first.")
public class JobsCommand implements Callable<Integer> {

    @Inject
    CatalogService catalog;

    @Option(names = "--server")
    String server;

    @Override
    public Integer call() {
        System.out.printf("%-44s %-8s %-12s %-18s %-20s %14s %7s%n", "JOB", "KIND", "STATE", "BACKUP", "STARTED",
                "BYTES", "FILES");
        for (var j : catalog.jobs(server)) {
            System.out.printf("%-44s %-8s %-12s %-18s %-20s %14d %3d/%-3d%n", j.id(), j.kind(), j.state(),
                    j.backupId() == null ? "" : j.backupId(),
                    j.startedAt() == null ? "" : j.startedAt().toString().substring(0, 19), j.bytes(), j.filesDone(),
                    j.filesTotal());
            j.progress().forEach(p -> System.out.printf("    %-40s %-10s %14d bytes %8.1f MB/s%n", p.name(), p.state(),
                    p.bytes(), p.mbPerSecond()));
            j.warnings().forEach(w -> System.out.println("    " + w.replace("\n", "\n    ")));
            if (j.error() != null) {
                System.out.println("    " + j.error().message().replace("\n", "\n    "));
            }
        }
        return 0;
    }
}
