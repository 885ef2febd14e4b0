package io.pgvault.cli;

import io.pgvault.config.PgvaultConfig;
import io.pgvault.fleet.ServerRegistry;
import io.pgvault.retention.RetentionService;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import io.pgvault.matrix.Units;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code pgvault prune}: apply the retention policy; {@code --dry-run} prints what would go and why. */
@Dependent
@Unremovable
@Command(name = "prune", description = "Delete the backups the retention policy (PGVAULT_RETENTION_*) no longer keeps, "
        + "and the leftovers of dead runs. Never the newest backup, an immutable or legally held one, or anything "
        + "while the newest backup failed verification.",
        footer = {"%nExample:", "  bin/pgvault prune --dry-run --json"})
public class PruneCommand implements Callable<Integer> {

    @Inject
    RetentionService retention;

    @Inject
    PgvaultConfig config;

    @Inject
    ServerRegistry registry;

    @Option(names = "--dry-run", description = "Print what would be deleted and kept, and why; delete nothing.")
    boolean dryRun;

    @Option(names = "--server", description = "Server name (default: PGVAULT_SERVER_NAME).")
    String server;

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() {
        String s = server == null || server.isBlank() ? config.serverName() : server;
        // a registered server's own retention rules; the settings' for the settings server or an unregistered name
        RetentionService.Outcome o = registry.get(s).filter(r -> !r.entry().readOnly())
                .map(r -> retention.prune(s, r.entry().policy().retention(), dryRun))
                .orElseGet(() -> retention.prune(s, dryRun));
        output.print(o, out -> printPlan(out, o));
        o.failures().forEach(f -> System.err.println("pgvault: " + f));
        return o.failures().isEmpty() ? 0 : 1;
    }

    private void printPlan(PrintWriter out, RetentionService.Outcome o) {
        var plan = o.plan();
        out.printf("retention of server %s at %s: %s%s%n", plan.server(), plan.now(), plan.policy(),
                dryRun ? " (dry run: nothing is deleted)" : "");
        if (plan.blockedBy() != null) {
            out.println("BLOCKED: " + plan.blockedBy());
        }
        out.printf("%-18s %-9s %-7s %10s  %s%n", "BACKUP", "WEEK", "ACTION", "SIZE", "WHY");
        for (var d : plan.backups()) {
            String action = d.delete() ? (dryRun ? "delete" : o.deleted().contains(d.backupId()) ? "deleted" : "FAILED") : "keep";
            out.printf("%-18s %-9s %-7s %10s  %s%n", d.backupId(), d.isoWeek(), action, Units.bytes(d.bytes()),
                    String.join("; ", d.reasons()));
        }
        for (var c : plan.cleanups()) {
            out.printf("%-18s %-9s %-7s %10s  %s%n", c.backupId(), c.isoWeek() == null ? "" : c.isoWeek(),
                    dryRun ? "clean" : o.cleaned().contains(c.backupId()) ? "cleaned" : "FAILED", "", c.reason());
        }
        long bytes = plan.deletions().stream().mapToLong(RetentionService.Decision::bytes).sum();
        out.printf("%d kept, %d %s (%s), %d leftover(s) of dead runs%n", plan.kept().size(),
                plan.deletions().size(), dryRun ? "would be deleted" : "deleted", Units.bytes(bytes),
                plan.cleanups().size());
    }
}
