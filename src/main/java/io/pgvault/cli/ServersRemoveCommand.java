package io.pgvault.cli;

import io.pgvault.fleet.FleetService;
import io.pgvault.fleet.UnprotectAnswer;
import io.pgvault.fleet.UnprotectRequest;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * {@code pgvault servers remove NAME [--delete-backups]}: stops protection, as POST /api/unprotect. Without the
 * flag the backups stay and the entry shows as Stopped; with it (the explicit confirmation) every backup is
 * deleted and the entry removed — refused as a whole while any backup is immutable or under a legal hold.
 */
@Dependent
@Unremovable
@Command(name = "remove", description = "Stop protecting a server; keep its backups unless --delete-backups.",
        footer = {"%nExample:", "  bin/pgvault servers remove prod-eu"})
public class ServersRemoveCommand implements Callable<Integer> {

    @Inject
    FleetService fleet;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", description = "Server name.")
    String name;

    @Option(names = "--delete-backups", description = "Delete every backup of the server too (cannot be undone).")
    boolean deleteBackups;

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() {
        UnprotectAnswer a = fleet.unprotect(new UnprotectRequest(name, !deleteBackups, deleteBackups ? name : null, null));
        output.print(a, out -> {
            if (a.removed()) {
                out.printf("server %s: protection stopped, %d backup(s) deleted, entry removed%n", a.server(),
                        a.deletedBackups().size());
            } else {
                out.printf("server %s: protection stopped; its backups are kept (state %s)%n", a.server(),
                        a.state().spelling());
            }
        });
        return 0;
    }
}
