package io.pgvault.cli;

import io.pgvault.catalog.CatalogService;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code pgvault list}: the catalog of committed backups, newest first. */
@Dependent
@Unremovable
@Command(name = "list", description = "List committed backups, newest first.")
public class ListCommand implements Callable<Integer> {

    @Inject
    CatalogService catalog;

    @Option(names = "--server", description = "Server name (default: PGVAULT_SERVER_NAME).")
    String server;

    @Override
    public Integer call() {
        var backups = catalog.backups(server);
        System.out.printf("%-18s %-9s %-10s %14s  %s%n", "BACKUP", "WEEK", "STATE", "BYTES", "DATABASES");
        for (var b : backups) {
            System.out.printf("%-18s %-9s %-10s %14d  %s%n", b.backupId(), b.isoWeek(), b.state(), b.bytes(),
                    String.join(", ", b.databases()));
        }
        if (backups.isEmpty()) {
            System.out.println("(no committed backup)");
        }
        return 0;
    }
}
