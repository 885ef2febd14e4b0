package io.pgvault.cli;

import io.pgvault.config.PgvaultConfig;
import io.pgvault.jobs.JobRecord;
import io.pgvault.restore.RestoreRequest;
import io.pgvault.restore.RestoreService;
import io.pgvault.restore.targets.TargetClients;
import io.pgvault.restore.TargetGuard;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import io.pgvault.matrix.Units;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code pgvault restore}: restore a backup as files into a container and wait until it ends. */
@Dependent
@Unremovable
@Command(name = "restore", description = "Restore a backup as files into a container; waits until the restore ends.",
        footer = {"%nExample:", "  bin/pgvault restore --backup latest --create-container \\",
                "      --target-container-url \"https://acct.blob.core.windows.net/restores?$SAS\""})
public class RestoreCommand implements Callable<Integer> {

    @Inject
    RestoreService restores;

    @Inject
    PgvaultConfig config;

    @Option(names = "--backup", defaultValue = "latest", description = "Backup id or 'latest'.")
    String backup;

    @Option(names = "--target-container-url", required = true, description = "Target container URL (may carry a SAS).")
    String target;

    @Option(names = "--recovery-option", defaultValue = "FailIfExists", description = "FailIfExists or Overwrite.")
    String recoveryOption;

    @Option(names = "--server", description = "Server name (default: PGVAULT_SERVER_NAME).")
    String server;

    @Option(names = "--database", description = "Refused: the support matrix allows no item-level recovery.")
    List<String> databases;

    @Option(names = "--create-container", description = "Create the target container if it does not exist.")
    boolean createContainer;

    @Inject
    TargetClients targets;

    @Option(names = "--timeout", defaultValue = "PT6H", description = "How long to wait (ISO-8601 duration).")
    Duration timeout;

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() throws InterruptedException {
        String s = server == null ? config.serverName() : server;
        if (createContainer) {
            TargetGuard.Target checked = targets.check(target);
            targets.open(checked, false).createIfMissing();
        }
        var accepted = restores.start(new RestoreRequest(s, backup, target, recoveryOption, databases, null, null));
        if (!output.json()) {
            output.out().printf("restore %s of backup %s started%n", accepted.restoreId(), accepted.backupId());
        }
        JobRecord job;
        try (var live = output.progress()) {
            job = restores.await(s, accepted.restoreId(), timeout);
        }
        output.print(job, out -> out.printf("restore %s: %s, %d/%d files, %s%n", job.id(), job.state(),
                job.filesDone(), job.filesTotal(), Units.bytes(job.bytes())));
        if (!JobRecord.SUCCEEDED.equals(job.state())) {
            System.err.println("pgvault: " + (job.error() == null ? "restore did not finish in " + timeout
                    : job.error().message()));
            return 1;
        }
        return 0;
    }
}
