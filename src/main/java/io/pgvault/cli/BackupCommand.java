package io.pgvault.cli;

import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import io.pgvault.backup.BackupService;
import io.pgvault.backup.BackupTrigger;
import io.pgvault.backup.BackupTypes;
import io.pgvault.fleet.ServerRegistry;
import io.pgvault.errors.MatrixRefusedException;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * {@code pgvault backup}: what the weekly timer runs, once, now. A backup the support matrix refuses prints every
 * violation as a table with its HINT and exits {@value PreflightCommand#REFUSED}, as does one that lost this week's
 * slot to a concurrent run; other failures exit 1.
 */
@Dependent
@Unremovable
@Command(name = "backup", description = "Take a full backup of the configured (or a registered) server now (what the weekly timer runs).")
public class BackupCommand implements Callable<Integer> {

    @Inject
    BackupService backups;

    @Spec
    CommandSpec spec;

    @Inject
    ServerRegistry registry;

    @Option(names = "--server", description = "A registered server (default: the settings server, PGVAULT_SERVER_NAME).")
    String server;

    @Option(names = "--type", defaultValue = "full", description = "Only 'full' is supported (the support matrix); "
            + "incremental and differential are refused.")
    String type;

    @Override
    public Integer call() {
        BackupService.BackupResult result;
        try {
            var parsed = BackupTypes.parse(type, "--type ");
            result = server == null || server.isBlank() ? backups.backup(parsed)
                    : backups.backup(registry.require(server), BackupTrigger.CLI);
        } catch (MatrixRefusedException e) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("pgvault: " + e.problem());
            err.println();
            err.print(e.verdict().renderTable());
            err.println("HINT: " + e.hint());
            err.flush();
            return PreflightCommand.REFUSED;
        } catch (PgvaultException e) {
            if (e.kind() != ErrorKind.CONFLICT) {
                throw e;
            }
            // lost the race for this week's slot to a run that started at the same time: refused, like above
            spec.commandLine().getErr().println("pgvault: " + e.render());
            spec.commandLine().getErr().flush();
            return PreflightCommand.REFUSED;
        }
        var m = result.manifest();
        PrintWriter out = spec.commandLine().getOut();
        out.printf("backup %s committed: server %s, week %s, %d database(s), %d bytes%n", m.backupId(),
                m.server(), m.isoWeek(), m.databaseDumps().size(), m.totalBytes());
        m.excludedDatabases().forEach(e -> out.printf("  excluded %s: %s%n", e.database(), e.reason()));
        result.verdict().warnings().forEach(w -> out.println("  " + w.render().replace("\n", "\n  ")));
        out.flush();
        return 0;
    }
}
