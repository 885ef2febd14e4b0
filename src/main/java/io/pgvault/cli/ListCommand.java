package io.pgvault.cli;

import io.pgvault.catalog.CatalogService;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import io.pgvault.matrix.Units;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code pgvault list}: the catalog of committed backups, newest first. */
@Dependent
@Unremovable
@Command(name = "list", description = "List committed backups, newest first.",
        footer = {"%nExample:", "  bin/pgvault list --server prod-eu --json"})
public class ListCommand implements Callable<Integer> {

    @Inject
    CatalogService catalog;

    @Option(names = "--server", description = "Server name (default: PGVAULT_SERVER_NAME).")
    String server;

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() {
        var backups = catalog.backups(server);
        output.print(backups, out -> {
            out.printf("%-18s %-9s %-10s %10s  %s%n", "BACKUP", "WEEK", "STATE", "SIZE", "DATABASES");
            for (var b : backups) {
                out.printf("%-18s %-9s %-10s %10s  %s%n", b.backupId(), b.isoWeek(), b.state(), Units.bytes(b.bytes()),
                        String.join(", ", b.databases()));
            }
            if (backups.isEmpty()) {
                out.println("(no committed backup)");
            }
        });
        return 0;
    }
}
