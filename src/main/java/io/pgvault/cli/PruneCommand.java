package io.pgvault.cli;

import io.pgvault.config.PgvaultConfig;
import io.pgvault.fleet.ServerRegistry;
import io.pgvault.retention.RetentionService;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code pgvault prune}: apply the retention policy; {@code --dry-run} prints what would go and why. */
@Dependent
@Unremovable
@Command(name = "prune", description = "Delete the backups the retention policy (PGVAULT_RETENTION_*) no longer keeps, "
        + "and the leftovers of dead runs. Never the newest backup, an immutable or legally held one, or anything "
        + "while the newest backup failed verification.")
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

    @Override
    public Integer call() {
        String s = server == null || server.isBlank() ? config.serverName() : server;
        // a registered server's own retention rules; the settings' for the settings server or an unregistered name
        RetentionService.Outcome o = registry.get(s).filter(r -> !r.entry().readOnly())
                .map(r -> retention.prune(s, r.entry().policy().retention(), dryRun))
                .orElseGet(() -> retention.prune(s, dryRun));
        var plan = o.plan();
        System.out.printf("retention of server %s at %s: %s%s%n", plan.server(), plan.now(), plan.policy(),
                dryRun ? " (dry run: nothing is deleted)" : "");
        if (plan.blockedBy() != null) {
            System.out.println("BLOCKED: " + plan.blockedBy());
        }
        System.out.printf("%-18s %-9s %-7s %12s  %s%n", "BACKUP", "WEEK", "ACTION", "BYTES", "WHY");
        for (var d : plan.backups()) {
            String action = d.delete() ? (dryRun ? "delete" : o.deleted().contains(d.backupId()) ? "deleted" : "FAILED") : "keep";
            System.out.printf("%-18s %-9s %-7s %12d  %s%n", d.backupId(), d.isoWeek(), action, d.bytes(),
                    String.join("; ", d.reasons()));
        }
        for (var c : plan.cleanups()) {
            System.out.printf("%-18s %-9s %-7s %12s  %s%n", c.backupId(), c.isoWeek() == null ? "" : c.isoWeek(),
                    dryRun ? "clean" : o.cleaned().contains(c.backupId()) ? "cleaned" : "FAILED", "", c.reason());
        }
        long bytes = plan.deletions().stream().mapToLong(RetentionService.Decision::bytes).sum();
        System.out.printf("%d kept, %d %s (%d bytes), %d leftover(s) of dead runs%n", plan.kept().size(),
                plan.deletions().size(), dryRun ? "would be deleted" : "deleted", bytes, plan.cleanups().size());
        o.failures().forEach(f -> System.err.println("pgvault: " + f));
        return o.failures().isEmpty() ? 0 : 1;
    }
}
