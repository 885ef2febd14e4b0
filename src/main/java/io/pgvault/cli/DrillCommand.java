package io.pgvault.cli;

import io.pgvault.drill.DrillReport;
import io.pgvault.drill.DrillService;
import io.pgvault.drill.DrillText;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code pgvault drill}: restore drills now, into the drill server; exit 0 only if every drill passed. */
@Dependent
@Unremovable
@Command(name = "drill", description = "Restore the newest backup of each protected server (or one) into the drill "
        + "server (PGVAULT_DRILL_SERVER_*), check it and drop it again. Exit 0 only if every drill passed, 4 if a "
        + "drill found the restore differs from the backup, 1 on other failures.",
        footer = {"%nExamples:", "  bin/pgvault drill", "  bin/pgvault drill --server orders-prod --json"})
public class DrillCommand implements Callable<Integer> {

    @Inject
    DrillService drills;

    @Option(names = "--server", description = "Drill only this server (default: every protected server).")
    String server;

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() {
        List<DrillReport> reports;
        try (var live = output.progress()) {
            reports = drills.drill(server);
        }
        output.print(reports, out -> {
            if (reports.isEmpty()) {
                out.println("no protected server has a committed backup: nothing to drill");
            }
            reports.forEach(r -> out.print(DrillText.render(r)));
        });
        int exit = 0;
        for (DrillReport r : reports) {
            if (!r.passed()) {
                exit = Math.max(exit, r.error() == null ? VerifyCommand.DAMAGED : 1);
            }
        }
        return exit;
    }
}
