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

import java.util.concurrent.Callable;

/** {@code pgvault drills}: the history of restore drills, newest first; {@code --full} prints each whole report. */
@Dependent
@Unremovable
@Command(name = "drills", description = "List restore drills, newest first (every server's, or one's).",
        footer = {"%nExamples:", "  bin/pgvault drills", "  bin/pgvault drills --server orders-prod --full"})
public class DrillsCommand implements Callable<Integer> {

    @Inject
    DrillService drills;

    @Option(names = "--server", description = "Only this server's drills (default: every server's).")
    String server;

    @Option(names = "--full", description = "Print each drill's whole report.")
    boolean full;

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() {
        var reports = drills.history(server);
        output.print(reports, out -> reports.forEach(r -> out.println(full ? DrillText.render(r) : DrillText.line(r))));
        return 0;
    }
}
