package io.pgvault.vault;

import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.AccessTier;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgvault.config.PgvaultConfig;
import io.pgvault.config.Settings;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;

/**
 * The vault container: streamed dump uploads, JSON documents (manifests, week claims, job records), the catalog
 * and deletions; what is done to single files (properties, tier, immutability, copies out) is in {@link VaultFiles}. Documents that must never be replaced are created with If-None-Match {@code *}; documents that
 * change (job records) are replaced with If-Match on the ETag read.
 */
@ApplicationScoped
public class VaultStore {

    private final VaultClients clients;
    private final Settings settings;
    private final ExecutorService uploads;
    private final JsonDocuments documents;
    private final VaultFiles files;

    public VaultStore(VaultClients clients, PgvaultConfig config, ObjectMapper json) {
        this.clients = clients;
        this.settings = new Settings(config); // parsed when a blob is written: a bad setting fails that run
        this.documents = new JsonDocuments(this::container, json);
        this.files = new VaultFiles(this::container, clients);
        this.uploads = BlockBlobSink.newUploadPool();
    }

    private BlobContainerClient container() {
        return clients.checkedContainer();
    }

    /** A new streamed blob at {@code path}; nothing exists until {@link BlockBlobSink#commit()}. */
    public BlockBlobSink newBlob(String path, String contentType) {
        return new BlockBlobSink(container().getBlobClient(path).getBlockBlobClient(), uploads,
                new BlockSchedule(settings.blockSizeBytes(), settings.maxBlocks()), settings.blocksInFlight(),
                AccessTier.fromString(settings.vaultAccessTier().toString()), contentType);
    }

    /**
     * Creates a JSON document that must not exist yet. Any existing blob is a conflict, even one with the same
     * bytes: two runs may write equal documents (a job record of the same id, a restore marker), and each must
     * learn that the other was first.
     */
    public String createJson(String path, Object document) {
        return documents.write(path, document, new BlobRequestConditions().setIfNoneMatch("*"), false);
    }

    /**
     * Creates a JSON document that must not exist yet and whose content no other run can produce (it names this
     * run's backup id: a manifest, a week claim). If the storage call's answer is lost and the SDK's retry meets
     * the blob, finding exactly these bytes means the first attempt created it: that is success, not a conflict.
     */
    public void createOwnJson(String path, Object document) {
        documents.write(path, document, new BlobRequestConditions().setIfNoneMatch("*"), true);
    }

    /** Writes a document that has a single writer (a job record, updated by the job that owns it). */
    public void writeJson(String path, Object document) {
        documents.write(path, document, new BlobRequestConditions(), false);
    }

    /**
     * Replaces a JSON document only if it is still the version read ({@code etag}); null etag creates it. Returns
     * the new ETag; a lost race is a {@code CONFLICT}.
     */
    public String replaceJson(String path, Object document, String etag) {
        return documents.write(path, document, etag == null
                ? new BlobRequestConditions().setIfNoneMatch("*")
                : new BlobRequestConditions().setIfMatch(etag), false);
    }

    /** Reads a JSON document with its ETag, or empty if it does not exist. */
    public <T> Optional<Versioned<T>> readJson(String path, Class<T> type) {
        return documents.read(path, type);
    }

    /**
     * The manifest of a backup, if the backup was committed. It is checked ({@link ManifestCheck}) before it is
     * returned: a manifest changed in the vault fails here with an {@code PgvaultException}, never later.
     */
    public Optional<Manifest> manifest(String server, String backupId) {
        String path = BackupLayout.manifestPath(server, backupId);
        Optional<Versioned<Manifest>> doc;
        try {
            doc = readJson(path, Manifest.class);
        } catch (UncheckedIOException e) {
            throw ManifestCheck.notAManifest(path, e);
        }
        return doc.map(v -> ManifestCheck.check(v.value(), server, backupId));
    }

    /**
     * The progress document of a (dead) run, checked like a manifest's files ({@link ManifestCheck#checkProgress}),
     * or empty if the run wrote none. One that is no pgvault document fails with {@code INTEGRITY}.
     */
    public Optional<RunProgress> progress(String server, String backupId) {
        String path = BackupLayout.progressPath(server, backupId);
        try {
            return readJson(path, RunProgress.class).map(v -> ManifestCheck.checkProgress(v.value(), server, backupId));
        } catch (UncheckedIOException e) {
            throw ManifestCheck.notAManifest(path, e);
        }
    }

    /** The whole content of a (small) vault blob. */
    public byte[] readBytes(String path) {
        try {
            return container().getBlobClient(path).downloadContent().toBytes();
        } catch (RuntimeException e) {
            throw failure("read " + path, e);
        }
    }

    /**
     * Opens a file of the vault for reading, or empty if it does not exist. Failures while reading leave the
     * stream as a {@link PgvaultException} of kind {@code VAULT_UNAVAILABLE}, or an {@code IOException} if the blob vanished meanwhile.
     */
    public Optional<InputStream> openFile(String path) {
        try {
            return Optional.of(new VaultReadStream(container().getBlobClient(path).openInputStream(), path,
                    containerName()));
        } catch (RuntimeException e) {
            if (StorageErrors.notFound(e)) {
                return Optional.empty();
            }
            throw failure("read " + path, e);
        }
    }

    /** Ids of backup folders under a server (committed or not), oldest first. */
    public List<String> backupFolders(String server) {
        List<String> ids = new ArrayList<>();
        String prefix = BackupLayout.checkServer(server) + "/";
        try {
            for (BlobItem item : container().listBlobsByHierarchy("/", new ListBlobsOptions().setPrefix(prefix), null)) {
                String id = item.getName().substring(prefix.length()).replace("/", "");
                if (Boolean.TRUE.equals(item.isPrefix()) && BackupLayout.BACKUP_ID.matcher(id).matches()) {
                    ids.add(id);
                }
            }
        } catch (RuntimeException e) {
            throw failure("list " + prefix, e);
        }
        ids.sort(Comparator.naturalOrder());
        return ids;
    }

    /** Committed backups of a server (those with a manifest), newest first. */
    public List<Manifest> catalog(String server) {
        List<Manifest> out = new ArrayList<>();
        for (String id : backupFolders(server)) {
            manifest(server, id).ifPresent(out::add);
        }
        out.sort(Comparator.comparing(Manifest::backupId).reversed());
        return out;
    }

    /** Names of the blobs under a prefix. */
    public List<String> names(String prefix) {
        List<String> out = new ArrayList<>();
        try {
            container().listBlobs(new ListBlobsOptions().setPrefix(prefix), null).forEach(i -> out.add(i.getName()));
        } catch (RuntimeException e) {
            throw failure("list " + prefix, e);
        }
        return out;
    }

    /** Names of the blobs under a prefix last changed before {@code cutoff} (one listing, no reads). */
    public List<String> namesChangedBefore(String prefix, java.time.Instant cutoff) {
        List<String> out = new ArrayList<>();
        try {
            container().listBlobs(new ListBlobsOptions().setPrefix(prefix), null).forEach(i -> {
                var modified = i.getProperties() == null ? null : i.getProperties().getLastModified();
                if (modified != null && modified.toInstant().isBefore(cutoff)) {
                    out.add(i.getName());
                }
            });
        } catch (RuntimeException e) {
            throw failure("list " + prefix, e);
        }
        return out;
    }

    /**
     * Deletes every blob under a prefix (an uncommitted or a deleted backup's files). A blob under an immutability
     * policy or a lease stays: {@link Removal#left()} names it with the reason.
     */
    public Removal deletePrefix(String prefix) {
        List<String> left = new ArrayList<>();
        List<String> names = names(prefix);
        for (String name : names) {
            try {
                deleteIfExists(name);
            } catch (PgvaultException e) {
                if (e.kind() != ErrorKind.VAULT_UNAVAILABLE) {
                    throw e;
                }
                left.add(name + " (" + e.evidence() + ")");
            }
        }
        return new Removal(names.size() - left.size(), List.copyOf(left));
    }

    /** What {@link #deletePrefix} did: how many blobs it deleted, and those that stayed (with the reason). */
    public record Removal(int deleted, List<String> left) {
    }

    /** Deletes a blob if it exists; false if it did not. */
    public boolean deleteIfExists(String path) {
        try {
            return container().getBlobClient(path).deleteIfExists();
        } catch (RuntimeException e) {
            throw failure("delete " + path, e);
        }
    }

    /** Deletes a blob only if it is still the version read ({@code etag}); false if it changed, is leased or is gone. */
    public boolean deleteIfMatch(String path, String etag) {
        try {
            container().getBlobClient(path).deleteWithResponse(null, new BlobRequestConditions().setIfMatch(etag),
                    null, null);
            return true;
        } catch (RuntimeException e) {
            if (StorageErrors.conflict(e) || StorageErrors.notFound(e)) {
                return false;
            }
            throw failure("delete " + path, e);
        }
    }

    /** The vault's files as files: properties and tier, immutability, copies out, uploads of local files. */
    public VaultFiles files() {
        return files;
    }

    /** A blob of the vault, as the SDK's client: for this package only (week claims). */
    BlobClient blob(String path) {
        return container().getBlobClient(path);
    }

    private String containerName() {
        return clients.container().getBlobContainerName();
    }

    /** A pgvault error passes through as it is; anything else becomes a {@link PgvaultException} of kind {@code VAULT_UNAVAILABLE}. */
    private RuntimeException failure(String action, RuntimeException e) {
        return StorageErrors.failure(action, containerName(), e);
    }

    /** A document and the ETag it was read with. */
    public record Versioned<T>(T value, String etag) {
    }
}
