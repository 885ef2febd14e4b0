package io.pgvault.restore.targets;

import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.options.BlobParallelUploadOptions;
import io.pgvault.config.PgvaultConfig;
import io.pgvault.vault.Manifest;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * A restore target container (from {@link TargetClients#open}), the one adapter over users' containers: a running
 * restore's server-side copies into it, the restore kit and the read-back; the CLI's {@code restore
 * --create-container} and {@code fetch}. A refusal of the storage service becomes a {@link PgvaultException} of
 * kind {@code RESTORE_TARGET} saying what to do, so the callers see only pgvault errors.
 */
public final class TargetContainer {

    private final BlobContainerClient container;
    private final BlobRequestConditions dest;
    private final ServerSideCopy copies;

    TargetContainer(BlobContainerClient container, boolean failIfExists, PgvaultConfig.Restore config, Clock clock) {
        this.container = container;
        // FailIfExists: every write creates a new blob, so nothing at the target is ever replaced
        this.dest = failIfExists ? new BlobRequestConditions().setIfNoneMatch("*") : new BlobRequestConditions();
        this.copies = new ServerSideCopy(config, clock);
    }

    /**
     * Copies one file server-side from {@code sourceUrl} (a vault blob with a read SAS) to {@code path}.
     *
     * @param bytes the file's size, or -1 if unknown (then the asynchronous copy is used)
     * @param heartbeat called while a long copy runs, to keep the job record fresh
     */
    public void copy(String path, String sourceUrl, long bytes, Runnable heartbeat) {
        try {
            copies.copyOne(path, sourceUrl, container.getBlobClient(path), bytes, dest, heartbeat);
        } catch (BlobStorageException e) {
            throw copyFailed(e);
        }
    }

    /** Writes a small file of pgvault's own (the restore kit). */
    public void upload(String path, byte[] content) {
        try {
            container.getBlobClient(path).uploadWithResponse(new BlobParallelUploadOptions(BinaryData.fromBytes(content))
                    .setRequestConditions(dest), null, null);
        } catch (BlobStorageException e) {
            throw copyFailed(e);
        }
    }

    /**
     * Checks every restored file against the manifest (see {@link ReadBack}); returns the bytes read back.
     *
     * @param readBack true: read each file and compare SHA-256; false: compare size and stored Content-MD5
     */
    public long verify(Manifest manifest, String prefix, boolean readBack, Runnable heartbeat) {
        try {
            return new ReadBack(container, heartbeat).verify(manifest, prefix, readBack);
        } catch (BlobStorageException e) {
            throw copyFailed(e);
        }
    }

    /** Creates the container if it does not exist (the CLI's {@code restore --create-container}). */
    public void createIfMissing() {
        try {
            container.createIfNotExists();
        } catch (RuntimeException e) {
            throw failed("create the container", e);
        }
    }

    /** Names of the blobs under {@code prefix} (the CLI's {@code fetch}). */
    public List<String> names(String prefix) {
        List<String> out = new ArrayList<>();
        try {
            container.listBlobs(new ListBlobsOptions().setPrefix(prefix), null).forEach(i -> out.add(i.getName()));
        } catch (RuntimeException e) {
            throw failed("list " + prefix, e);
        }
        return out;
    }

    /** Downloads one blob to {@code file}, replacing it (the CLI's {@code fetch}). */
    public void download(String name, Path file) {
        try {
            container.getBlobClient(name).downloadToFile(file.toString(), true);
        } catch (RuntimeException e) {
            throw failed("download " + name, e);
        }
    }

    /** A failure of one of the CLI's calls; a pgvault error passes through as it is. */
    private RuntimeException failed(String action, RuntimeException e) {
        if (e instanceof PgvaultException) {
            return e;
        }
        Throwable root = PgvaultException.rootCause(e);
        String evidence = e instanceof BlobStorageException b ? "status " + b.getStatusCode() + " " + b.getErrorCode()
                : root.getClass().getSimpleName() + ": " + root.getMessage();
        return new PgvaultException(ErrorKind.RESTORE_TARGET, "Could not " + action + " in target container \""
                + container.getBlobContainerName() + "\".", evidence, "Check that the container URL is reachable and "
                + "that its SAS (or the app's identity) may read, write and list (sp=rcwl).", e);
    }

    /** A refusal of the storage service during the copy, with what to do about it. */
    private static PgvaultException copyFailed(BlobStorageException e) {
        int s = e.getStatusCode();
        return new PgvaultException(ErrorKind.RESTORE_TARGET, "A server-side copy failed.", "status " + s + " " + e.getErrorCode(),
                s == 409 || s == 412
                        ? "A file already exists at the target: use recoveryOption Overwrite or another container."
                        : s == 403 ? "The target SAS expired or lost its permissions during the "
                                + "copy; give one valid for longer and restore again with Overwrite."
                                : "Check both storage accounts and restore again with recoveryOption Overwrite.", e);
    }
}
