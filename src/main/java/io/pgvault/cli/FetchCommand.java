package io.pgvault.cli;

import io.pgvault.restore.targets.TargetClients;
import io.pgvault.restore.TargetGuard;
import io.pgvault.vault.BackupLayout;
import io.pgvault.restore.targets.TargetContainer;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import io.pgvault.jobs.LiveMeters;
import io.pgvault.matrix.Units;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code pgvault fetch}: download a restored backup folder (dumps + restore kit) to a local directory. */
@Dependent
@Unremovable
@Command(name = "fetch", description = "Download restored files (dumps, roles.sql, restore.sh) from a container to a directory.",
        footer = {"%nExample:", "  bin/pgvault fetch --container-url \"$TARGET\" --server prod-eu \\",
                "      --backup 20261129T020000Z --to ./restore"})
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

    @Mixin
    OutputOptions output;

    /** What {@code --json} prints: where the files went, how many, how many bytes. */
    public record Fetched(String server, String backupId, String directory, int files, long bytes) {
    }

    @Override
    public Integer call() throws Exception {
        to = CallerPaths.resolve(to);
        TargetGuard.Target target = targets.check(containerUrl);
        TargetContainer folder = targets.open(target, false);
        String prefix = BackupLayout.backupPrefix(server, backupId);
        int n = 0;
        long bytes = 0;
        try (var live = output.progress()) {
            for (String name : folder.names(prefix)) {
                Path file = destination(to, name.substring(prefix.length()));
                if (file == null) {
                    continue; // never write outside the directory, whatever a blob is named
                }
                Files.createDirectories(file.getParent());
                // the display polls the file's size: the SDK's download is not slowed by a counter
                String label = "fetch " + name.substring(prefix.length());
                try (var meter = LiveMeters.openPolled(label, 0, () -> size(file))) {
                    folder.download(name, file);
                }
                bytes += Files.size(file);
                n++;
            }
        }
        Fetched fetched = new Fetched(server, backupId, to.toAbsolutePath().normalize().toString(), n, bytes);
        output.print(fetched, out -> out.printf("fetched %d file(s) of backup %s into %s (%s)%n", fetched.files(),
                backupId, to, Units.bytes(fetched.bytes())));
        return n > 0 ? 0 : 1;
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (java.io.IOException e) {
            return 0;
        }
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
