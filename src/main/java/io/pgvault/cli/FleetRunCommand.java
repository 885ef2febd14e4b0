package io.pgvault.cli;

import io.pgvault.fanout.FleetRun;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/**
 * {@code pgvault fleet run [--workers N]}: one scheduler pass, then the due backups (and anything else waiting in
 * the queue) run in this process by N workers, with the queue trigger's retries and poison queue. For local use
 * and cron; in Azure the scheduleBackups timer and the backupServer queue trigger do the same.
 */
@Dependent
@Unremovable
@Command(name = "run", description = "One scheduler pass, then the queued backups in this process with N workers.")
public class FleetRunCommand implements Callable<Integer> {

    @Inject
    FleetRun fleet;

    @Option(names = "--workers", defaultValue = "1", description = "Backups run at once (1-16; default 1).")
    int workers;

    @Override
    public Integer call() {
        if (workers < 1 || workers > 16) {
            System.err.println("pgvault: --workers " + workers + " is out of range.\n  HINT: use 1 to 16 (about one per "
                    + "two cores: each backup runs pg_dump and compression).");
            return 2;
        }
        FleetRun.Summary s = fleet.run(workers);
        System.out.printf("scheduler pass: %d backup(s) queued, %d server(s) skipped%n", s.pass().queued().size(),
                s.pass().failures().size());
        s.pass().failures().forEach(f -> System.out.println("  skipped " + f.replace('\n', ' ')));
        System.out.printf("%-24s %-20s %-16s %12s %9s %8s %8s%n", "SERVER", "RESULT", "BACKUP", "BYTES", "SECONDS",
                "MB/S", "ATTEMPTS");
        long failed = 0;
        for (FleetRun.Line l : s.lines()) {
            double mbps = l.seconds() > 0 ? l.bytes() / 1e6 / l.seconds() : 0;
            System.out.printf("%-24s %-20s %-16s %12d %9.2f %8.2f %8d%n", l.server(), l.result(),
                    l.backupId() == null ? "-" : l.backupId(), l.bytes(), l.seconds(), mbps, l.attempts());
            if (l.error() != null) {
                failed++;
                System.out.println("  " + l.error().replace("\n", "\n  "));
            }
        }
        System.out.printf("fleet run: %d message(s) handled by %d worker(s) in %.2f s%n", s.lines().size(), s.workers(),
                s.wallSeconds());
        return failed == 0 ? 0 : 1;
    }
}
