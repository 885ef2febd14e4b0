package io.pgvault.cli;

import io.pgvault.config.PgvaultConfig;
import io.pgvault.jobs.JobRecord;
import io.pgvault.restore.RestoreRequest;
import io.pgvault.restore.RestoreService;
import io.pgvault.restore.server.PgTarget;
import io.pgvault.restore.targets.TargetClients;
import io.pgvault.restore.TargetGuard;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code pgvault restore}: restore a backup as files into a container ({@code --target-container-url}) or straight
 * into a PostgreSQL server ({@code --target-server}), and wait until it ends.
 */
@Dependent
@Unremovable
@Command(name = "restore", description = "Restore a backup as files into a container, or into a PostgreSQL server;"
        + " waits until the restore ends.")
public class RestoreCommand implements Callable<Integer> {

    @Inject
    RestoreService restores;

    @Inject
    PgvaultConfig config;

    @Option(names = "--backup", defaultValue = "latest", description = "Backup id or 'latest'.")
    String backup;

    @Option(names = "--target-container-url", description = "Target container URL (may carry a SAS).")
    String target;

    @Option(names = "--target-server", description = "Restore into this PostgreSQL server: HOST[:PORT] (port 5432).")
    String targetServer;

    @Option(names = "--target-user", description = "With --target-server: the login role (CREATEDB, CREATEROLE).")
    String targetUser;

    @Option(names = "--password-env", description = "With --target-server: the environment variable holding the"
            + " password (named PGVAULT_PG_PASSWORD... or PGVAULT_SECRET_...); without it: Entra (the app's identity).")
    String passwordEnv;

    @Option(names = "--sslmode", defaultValue = "require", description = "With --target-server: libpq sslmode.")
    String sslmode;

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

    @Override
    public Integer call() throws InterruptedException {
        String s = server == null ? config.serverName() : server;
        if (createContainer) {
            TargetGuard.Target checked = targets.check(target);
            targets.open(checked, false).createIfMissing();
        }
        PgTarget server = targetServer == null ? null : ServerArgument.target(targetServer, targetUser, passwordEnv,
                sslmode);
        var accepted = restores.start(new RestoreRequest(s, backup, target, recoveryOption, databases, null, null,
                server));
        System.out.printf("restore %s of backup %s started%n", accepted.restoreId(), accepted.backupId());
        JobRecord job = restores.await(s, accepted.restoreId(), timeout);
        System.out.printf("restore %s: %s, %d/%d %s, %d bytes%n", job.id(), job.state(), job.filesDone(),
                job.filesTotal(), server == null ? "files" : "databases", job.bytes());
        if (server != null) {
            job.progress().forEach(p -> System.out.printf("  %s: %s, %d bytes, %s%n", p.name(), p.state(), p.bytes(),
                    p.detail()));
            job.violations().forEach(v -> System.out.println(v));
            job.warnings().forEach(w -> System.err.println(w));
        }
        if (!JobRecord.SUCCEEDED.equals(job.state())) {
            System.err.println("pgvault: " + (job.error() == null ? "restore did not finish in " + timeout
                    : job.error().message()));
            return 1;
        }
        return 0;
    }
}
