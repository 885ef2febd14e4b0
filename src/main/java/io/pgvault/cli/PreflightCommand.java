package io.pgvault.cli;

import io.pgvault.backup.BackupService;
import io.pgvault.backup.BackupTypes;
import io.pgvault.fleet.ServerRegistry;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.time.Instant;
import java.util.concurrent.Callable;

/**
 * {@code pgvault preflight}: every support-matrix violation of the next backup, as a table, without starting it.
 * Exit 0 when nothing refuses the backup (warnings alone included), 3 when the matrix would refuse it.
 */
@Dependent
@Unremovable
@Command(name = "preflight", description = "Judge the server and vault against the support matrix; exit 0 when allowed "
        + "(warnings alone included), 3 when refused.",
        footer = {"%nExample:", "  bin/pgvault preflight --server prod-eu"})
public class PreflightCommand implements Callable<Integer> {

    /** Exit code of a verdict with errors (the same as a refused backup). */
    public static final int REFUSED = 3;

    @Inject
    BackupService backups;

    @Spec
    CommandSpec spec;

    @Inject
    ServerRegistry registry;

    @Option(names = "--server", description = "A registered server (default: the settings server, PGVAULT_SERVER_NAME).")
    String server;

    @Option(names = "--type", defaultValue = "full", description = "Backup type to judge: full (incremental and differential are refused).")
    String type;

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() {
        var parsed = BackupTypes.parse(type, "--type ");
        var verdict = (server == null || server.isBlank() ? backups.preflight(parsed, Instant.now())
                : backups.preflight(registry.require(server), parsed, Instant.now())).verdict();
        output.print(verdict, out -> out.print(verdict.renderTable()));
        return verdict.allowed() ? 0 : REFUSED;
    }
}
