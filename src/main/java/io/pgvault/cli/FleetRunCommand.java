package io.pgvault.cli;

import io.pgvault.fanout.FleetRun;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import io.pgvault.matrix.Units;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code pgvault fleet run [--workers N]}: one scheduler pass, then the due backups (and anything else waiting in
 * the queue) run in this process by N workers, with the queue trigger's retries and poison queue. For local use
 * and cron; in Azure the scheduleBackups timer and the backupServer queue trigger do the same.
 */
@Dependent
@Unremovable
@Command(name = "run", description = "One scheduler pass, then the queued backups in this process with N workers.",
        footer = {"%nExample:", "  bin/pgvault fleet run --workers 2"})
public class FleetRunCommand implements Callable<Integer> {

    @Inject
    FleetRun fleet;

    @Option(names = "--workers", defaultValue = "1", description = "Backups run at once (1-16; default 1).")
    int workers;

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() {
        if (workers < 1 || workers > 16) {
            System.err.println("pgvault: --workers " + workers + " is out of range.\n  HINT: use 1 to 16 (about one per "
                    + "two cores: each backup runs pg_dump and compression).");
            return 2;
        }
        FleetRun.Summary s;
        try (var live = output.progress()) {
            s = fleet.run(workers);
        }
        output.print(s, out -> printSummary(out, s));
        return s.lines().stream().anyMatch(l -> l.error() != null) ? 1 : 0;
    }

    private static void printSummary(PrintWriter out, FleetRun.Summary s) {
        out.printf("scheduler pass: %d backup(s) queued, %d server(s) skipped%n", s.pass().queued().size(),
                s.pass().failures().size());
        s.pass().failures().forEach(f -> out.println("  skipped " + f.replace('\n', ' ')));
        String format = "%-24s %-20s %-16s %10s %9s %12s %8s%n";
        out.printf(format, "SERVER", "RESULT", "BACKUP", "SIZE", "TOOK", "RATE", "ATTEMPTS");
        for (FleetRun.Line l : s.lines()) {
            Duration took = Duration.ofMillis(Math.round(l.seconds() * 1000));
            String rate = Units.rate(l.bytes(), took);
            out.printf(format, l.server(), l.result(), l.backupId() == null ? "-" : l.backupId(),
                    Units.bytes(l.bytes()), Units.duration(took), rate.isEmpty() ? "-" : rate, l.attempts());
            if (l.error() != null) {
                out.println("  " + l.error().replace("\n", "\n  "));
            }
        }
        out.printf("fleet run: %d message(s) handled by %d worker(s) in %s%n", s.lines().size(), s.workers(),
                Units.duration(Duration.ofMillis(Math.round(s.wallSeconds() * 1000))));
    }
}
