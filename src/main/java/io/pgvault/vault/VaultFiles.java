package io.pgvault.vault;

import com.azure.core.util.Context;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.AccessTier;
import com.azure.storage.blob.models.BlobImmutabilityPolicy;
import com.azure.storage.blob.models.BlobImmutabilityPolicyMode;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.ParallelTransferOptions;
import com.azure.storage.blob.options.BlobUploadFromFileOptions;
import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Single files of the vault (from {@link VaultStore#files()}): their properties and access tier, a committed
 * backup's files that must be there, immutability policies, read-only URLs for copies out of the vault, and
 * uploads of local files. A file a manifest lists but the vault lacks is a damaged backup ({@code INTEGRITY}),
 * any other storage failure leaves as {@code VAULT_UNAVAILABLE}.
 */
public final class VaultFiles {

    private final Supplier<BlobContainerClient> container;
    private final VaultClients clients;

    VaultFiles(Supplier<BlobContainerClient> container, VaultClients clients) {
        this.container = container;
        this.clients = clients;
    }

    /** What the vault says about a blob, or empty if it does not exist. */
    public Optional<FileProperties> fileProperties(String path) {
        try {
            return Optional.of(FileProperties.of(container.get().getBlobClient(path).getProperties()));
        } catch (RuntimeException e) {
            if (StorageErrors.notFound(e)) {
                return Optional.empty();
            }
            throw failure("read the properties of " + path, e);
        }
    }

    /**
     * The properties of a file a committed backup's manifest lists. A missing blob is a damaged backup, reported
     * as an {@link PgvaultException} of kind {@code INTEGRITY} naming the file, not as a bare storage error.
     */
    public FileProperties backupFile(String path) {
        return FileProperties.of(backupFileProperties(path));
    }

    private BlobProperties backupFileProperties(String path) {
        try {
            return container.get().getBlobClient(path).getProperties();
        } catch (RuntimeException e) {
            if (StorageErrors.notFound(e)) {
                throw new PgvaultException(ErrorKind.INTEGRITY, "File " + path + " of the backup is missing from the vault.",
                        "the manifest lists it; reading it answered " + StorageErrors.describe(e),
                        "The backup is damaged (the file was deleted or moved): restore another backup (bin/pgvault "
                                + "list), run bin/pgvault verify on the others, and find out what deleted it.", e);
            }
            throw failure("read " + path, e);
        }
    }

    /** Whether a file a committed backup lists is in the Archive tier (a missing file: as backupFileProperties). */
    public boolean backupFileArchived(String path) {
        return AccessTier.ARCHIVE.equals(backupFileProperties(path).getAccessTier());
    }

    /** Checks that a file a committed backup lists is still in the vault (else as backupFileProperties). */
    public void requireBackupFile(String path) {
        backupFileProperties(path);
    }

    /** Read-only URLs of vault blobs for one server-side copy out of the vault (a restore). */
    public CopySources copySources() {
        return new CopySources(container.get(), clients);
    }

    /** Makes a blob immutable until {@code until} (a version-level time-based policy). */
    public void setImmutability(String path, Instant until, ImmutabilityMode mode) {
        BlobImmutabilityPolicy policy = new BlobImmutabilityPolicy().setExpiryTime(until.atOffset(ZoneOffset.UTC))
                .setPolicyMode(mode == ImmutabilityMode.LOCKED ? BlobImmutabilityPolicyMode.LOCKED
                        : BlobImmutabilityPolicyMode.UNLOCKED);
        try {
            container.get().getBlobClient(path).setImmutabilityPolicyWithResponse(policy, null, Duration.ofMinutes(1),
                    Context.NONE);
        } catch (RuntimeException e) {
            throw failure("set the immutability policy of " + path, e);
        }
    }

    /** Uploads a local file as a new blob (If-None-Match *), with the SDK's parallel file upload. */
    public void uploadLocalFile(Path file, String path) {
        var options = new BlobUploadFromFileOptions(file.toString())
                .setParallelTransferOptions(new ParallelTransferOptions().setBlockSizeLong(8L << 20).setMaxConcurrency(4))
                .setRequestConditions(new BlobRequestConditions().setIfNoneMatch("*"));
        try {
            container.get().getBlobClient(path).uploadFromFileWithResponse(options, Duration.ofHours(6), null);
        } catch (RuntimeException e) {
            if (StorageErrors.conflict(e)) {
                throw new PgvaultException(ErrorKind.CONFLICT, "The vault already holds " + path + ".", StorageErrors.describe(e),
                        "Upload under another name; pgvault never replaces a blob.", e);
            }
            throw failure("upload " + path, e);
        }
    }

    /** A pgvault error passes through as it is; anything else becomes a {@link PgvaultException} of kind {@code VAULT_UNAVAILABLE}. */
    private RuntimeException failure(String action, RuntimeException e) {
        return StorageErrors.failure(action, clients.container().getBlobContainerName(), e);
    }
}
