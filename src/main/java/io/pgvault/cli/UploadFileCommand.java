package io.pgvault.cli;

import io.pgvault.vault.VaultStore;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code pgvault upload-file}: uploads a local file into the vault container with the Azure SDK's own parallel
 * file upload — what a user scripts by hand after {@code pg_dump -f}. The benchmark's case (b); never part of a
 * backup (a file uploaded this way has no manifest, so it is not a backup).
 */
@Dependent
@Unremovable
@Command(name = "upload-file", description = "Upload a local file into the vault container (benchmark case b; not a backup).",
        footer = {"%nExample:", "  bin/pgvault upload-file --file app.dump --blob bench/app.dump"})
public class UploadFileCommand implements Callable<Integer> {

    @Inject
    VaultStore vault;

    @Option(names = "--file", required = true)
    Path file;

    @Option(names = "--blob", required = true, description = "Blob name under the vault container's 'manual/' prefix.")
    String blob;

    @Override
    public Integer call() {
        file = CallerPaths.resolve(file);
        vault.files().uploadLocalFile(file, "manual/" + blob.replace("..", "_"));
        System.out.println("uploaded " + file + " to manual/" + blob);
        return 0;
    }
}
