package io.pgvault.cli;

import io.pgvault.restore.targets.TargetClients;
import io.pgvault.restore.TargetGuard;
import io.pgvault.vault.BackupLayout;
import io.pgvault.restore.targets.TargetContainer;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code pgvault fetch}: download a restored backup folder (dumps + restore kit) to a local directory. */
@Dependent
@Unremovable
@Command(name = "fetch", description = "Download restored files (dumps, roles.sql, restore.sh) from a container to a directory.")
public class FetchCommand implements Callable<Integer> {

    @Inject
    TargetClients targets;

    @Option(names = "--container-url", required = true, description = "The container the restore wrote to.")
    String containerUrl;

    @Option(names = "--server", required = true)
    String server;

    @Option(names = "--backup", required = true, description = "Backup id.")
    String backupId;

    @Option(names = "--to", required = true, description = "Local directory (created if missing).")
    Path to;

    @Override
    public Integer call() throws Exception {
        to = CallerPaths.resolve(to);
        TargetGuard.Target target = targets.check(containerUrl);
        TargetContainer folder = targets.open(target, false);
        String prefix = BackupLayout.backupPrefix(server, backupId);
        int n = 0;
        for (String name : folder.names(prefix)) {
            Path file = destination(to, name.substring(prefix.length()));
            if (file == null) {
                continue; // never write outside the directory, whatever a blob is named
            }
            Files.createDirectories(file.getParent());
            folder.download(name, file);
            n++;
        }
        System.out.printf("fetched %d file(s) of backup %s into %s%n", n, backupId, to);
        return n > 0 ? 0 : 1;
    }

    /**
     * Where a blob's relative name lands under {@code to}, or null if it would land outside. Absolute first:
     * {@code --to .} resolves to a bare file name that has no parent directory to create.
     */
    static Path destination(Path to, String relativeName) {
        Path dir = to.toAbsolutePath().normalize();
        Path file = dir.resolve(relativeName).normalize();
        return file.startsWith(dir) && !file.equals(dir) ? file : null;
    }
}
