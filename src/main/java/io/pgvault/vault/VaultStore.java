package io.pgvault.vault;

import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.AccessTier;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.options.BlobParallelUploadOptions;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgvault.config.PgvaultConfig;
import io.pgvault.errors.ConflictException;
import io.pgvault.errors.IntegrityException;
import io.pgvault.errors.PgvaultException;
import io.pgvault.errors.VaultUnavailableException;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The vault container: streamed dump uploads, JSON documents (manifests, week claims, job records) and the
 * catalog. Documents that must never be replaced are created with If-None-Match {@code *}; documents that
 * change (job records) are replaced with If-Match on the ETag read.
 */
@ApplicationScoped
public class VaultStore {

    private static final Logger LOG = Logger.getLogger(VaultStore.class);

    private final VaultClients clients;
    private final PgvaultConfig config;
    private final ObjectMapper json;
    private final ExecutorService uploads;
    private volatile boolean containerChecked;

    public VaultStore(VaultClients clients, PgvaultConfig config, ObjectMapper json) {
        this.clients = clients;
        this.config = config;
        this.json = json;
        AtomicInteger n = new AtomicInteger();
        this.uploads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "pgvault-upload-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** The vault container, created on first use if it does not exist (locally; in Azure infra makes it). */
    public BlobContainerClient container() {
        BlobContainerClient c = clients.container();
        if (!containerChecked) {
            boolean exists;
            try {
                exists = c.exists();
            } catch (RuntimeException e) {
                throw unavailable("open the vault container", c.getBlobContainerName(), e);
            }
            if (!exists) {
                try {
                    c.createIfNotExists();
                } catch (RuntimeException e) {
                    VaultUnavailableException cause = unavailable("create the vault container", c.getBlobContainerName(), e);
                    throw new VaultUnavailableException("The vault container \"" + c.getBlobContainerName()
                            + "\" does not exist, and pgvault could not create it.", cause.evidence(),
                            "Create the container (infra/ deploys it with the storage account), or point "
                                    + "PGVAULT_VAULT_CONTAINER at the existing vault container.", e);
                }
            }
            containerChecked = true;
        }
        return c;
    }

    /** A new streamed blob at {@code path}; nothing exists until {@link BlockBlobSink#commit()}. */
    public BlockBlobSink newBlob(String path, String contentType) {
        PgvaultConfig.Backup b = config.backup();
        return new BlockBlobSink(container().getBlobClient(path).getBlockBlobClient(), uploads,
                b.blockSizeBytes(), b.blocksInFlight(), AccessTier.fromString(config.vault().accessTier()), contentType);
    }

    /**
     * Creates a JSON document that must not exist yet. Any existing blob is a conflict, even one with the same
     * bytes: two runs may write equal documents (a job record of the same id, a restore marker), and each must
     * learn that the other was first.
     */
    public void createJson(String path, Object document) {
        upload(path, document, new BlobRequestConditions().setIfNoneMatch("*"), false);
    }

    /**
     * Creates a JSON document that must not exist yet and whose content no other run can produce (it names this
     * run's backup id: a manifest, a week claim). If the storage call's answer is lost and the SDK's retry meets
     * the blob, finding exactly these bytes means the first attempt created it: that is success, not a conflict.
     */
    public void createOwnJson(String path, Object document) {
        upload(path, document, new BlobRequestConditions().setIfNoneMatch("*"), true);
    }

    /** Writes a document that has a single writer (a job record, updated by the job that owns it). */
    public void writeJson(String path, Object document) {
        upload(path, document, new BlobRequestConditions(), false);
    }

    /** Replaces a JSON document only if it is still the version read ({@code etag}); null etag creates it. */
    public void replaceJson(String path, Object document, String etag) {
        upload(path, document, etag == null
                ? new BlobRequestConditions().setIfNoneMatch("*")
                : new BlobRequestConditions().setIfMatch(etag), false);
    }

    private void upload(String path, Object document, BlobRequestConditions conditions, boolean ownContent) {
        byte[] body;
        try {
            body = json.writerWithDefaultPrettyPrinter().writeValueAsBytes(document);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            container().getBlobClient(path).uploadWithResponse(new BlobParallelUploadOptions(BinaryData.fromBytes(body))
                    .setHeaders(new BlobHttpHeaders().setContentType("application/json"))
                    .setRequestConditions(conditions), Duration.ofMinutes(2), Context.NONE);
        } catch (BlobStorageException e) {
            if (ownContent && (e.getStatusCode() == 409 || e.getStatusCode() == 412) && holds(path, body)) {
                // the SDK retried a create whose first attempt succeeded but whose answer was lost
                LOG.infof("Create of %s answered %d %s on a retry, but the blob holds exactly this document: an "
                        + "earlier attempt whose answer was lost created it", path, e.getStatusCode(), e.getErrorCode());
                return;
            }
            if (e.getStatusCode() == 409 || e.getStatusCode() == 412) {
                throw new ConflictException("The vault already holds a different version of " + path + ".",
                        "status " + e.getStatusCode() + " " + e.getErrorCode(),
                        "Another pgvault run changed it at the same time; look at the job list and retry.", e);
            }
            throw unavailable("write " + path, container().getBlobContainerName(), e);
        } catch (RuntimeException e) { // the SDK's own failures, e.g. when the service cannot be reached at all
            throw failure("write " + path, e);
        }
    }

    /** Whether the blob at {@code path} holds exactly {@code body}. */
    private boolean holds(String path, byte[] body) {
        try {
            return Arrays.equals(body, container().getBlobClient(path).downloadContent().toBytes());
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Reads a JSON document with its ETag, or empty if it does not exist. */
    public <T> Optional<Versioned<T>> readJson(String path, Class<T> type) {
        try {
            var r = container().getBlobClient(path).downloadContentWithResponse(null, null, Duration.ofMinutes(2),
                    Context.NONE);
            return Optional.of(new Versioned<>(json.readValue(r.getValue().toBytes(), type),
                    r.getDeserializedHeaders().getETag()));
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 404) {
                return Optional.empty();
            }
            throw unavailable("read " + path, container().getBlobContainerName(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) { // the SDK's own failures, e.g. when the service cannot be reached at all
            throw failure("read " + path, e);
        }
    }

    /**
     * The manifest of a backup, if the backup was committed. It is checked ({@link ManifestCheck}) before it is
     * returned: a manifest changed in the vault fails here with an {@code IntegrityException}, never later.
     */
    public Optional<Manifest> manifest(String server, String backupId) {
        String path = BackupLayout.manifestPath(server, backupId);
        Optional<Versioned<Manifest>> doc;
        try {
            doc = readJson(path, Manifest.class);
        } catch (UncheckedIOException e) {
            String why = e.getCause() instanceof JsonProcessingException j ? j.getOriginalMessage()
                    : String.valueOf(e.getCause());
            throw new IntegrityException("The manifest " + path + " is not a pgvault manifest; pgvault will not use it.",
                    BackupLayout.printable(why), "It was changed in the vault after the backup: restore another backup "
                            + "(bin/pgvault list), keep this folder for investigation, and review who can write to the "
                            + "vault container.", e);
        }
        return doc.map(v -> ManifestCheck.check(v.value(), server, backupId));
    }

    /** The whole content of a (small) vault blob. */
    public byte[] readBytes(String path) {
        try {
            return container().getBlobClient(path).downloadContent().toBytes();
        } catch (BlobStorageException e) {
            throw unavailable("read " + path, container().getBlobContainerName(), e);
        } catch (RuntimeException e) { // the SDK's own failures, e.g. when the service cannot be reached at all
            throw failure("read " + path, e);
        }
    }

    /** Ids of backup folders under a server (committed or not), oldest first. */
    public List<String> backupFolders(String server) {
        List<String> ids = new ArrayList<>();
        String prefix = BackupLayout.checkServer(server) + "/";
        try {
            for (BlobItem item : container().listBlobsByHierarchy("/", new ListBlobsOptions().setPrefix(prefix), null)) {
                if (Boolean.TRUE.equals(item.isPrefix())) {
                    String id = item.getName().substring(prefix.length()).replace("/", "");
                    if (BackupLayout.BACKUP_ID.matcher(id).matches()) {
                        ids.add(id);
                    }
                }
            }
        } catch (RuntimeException e) { // the SDK's own failures, e.g. when the service cannot be reached at all
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
    public List<BlobItem> list(String prefix) {
        List<BlobItem> out = new ArrayList<>();
        try {
            container().listBlobs(new ListBlobsOptions().setPrefix(prefix), null).forEach(out::add);
        } catch (RuntimeException e) { // the SDK's own failures, e.g. when the service cannot be reached at all
            throw failure("list " + prefix, e);
        }
        return out;
    }

    /** Deletes every blob under a prefix (an uncommitted backup's partial files). */
    public int deletePrefix(String prefix) {
        int n = 0;
        for (BlobItem item : list(prefix)) {
            try {
                container().getBlobClient(item.getName()).deleteIfExists();
                n++;
            } catch (BlobStorageException e) {
                // A blob under an immutability policy or lease stays; it is still not part of any backup.
            }
        }
        return n;
    }

    /** A blob of the vault. */
    public BlobClient blob(String path) {
        return container().getBlobClient(path);
    }

    /**
     * The properties of a file a committed backup's manifest lists. A missing blob is a damaged backup, reported
     * as an {@link IntegrityException} naming the file, not as a bare storage error.
     */
    public BlobProperties backupFileProperties(String path) {
        try {
            return container().getBlobClient(path).getProperties();
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 404) {
                throw new IntegrityException("File " + path + " of the backup is missing from the vault.",
                        "the manifest lists it; reading it answered status " + e.getStatusCode() + " "
                                + e.getErrorCode(),
                        "The backup is damaged (the file was deleted or moved): restore another backup (bin/pgvault "
                                + "list), run bin/pgvault verify on the others, and find out what deleted it.", e);
            }
            throw unavailable("read " + path, container().getBlobContainerName(), e);
        } catch (RuntimeException e) { // the SDK's own failures, e.g. when the service cannot be reached at all
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
        return new CopySources(container(), clients);
    }

    /** Deletes a document only if it is still the version read; false if it is gone or was replaced meanwhile. */
    public boolean deleteIfMatch(String path, String etag) {
        try {
            container().getBlobClient(path).deleteWithResponse(null, new BlobRequestConditions().setIfMatch(etag),
                    null, null);
            return true;
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 404 || e.getStatusCode() == 409 || e.getStatusCode() == 412) {
                return false;
            }
            throw failure("delete " + path, e);
        } catch (RuntimeException e) {
            throw failure("delete " + path, e);
        }
    }

    /** Deletes a blob; false if there was none. */
    public boolean deleteIfExists(String path) {
        try {
            return container().getBlobClient(path).deleteIfExists();
        } catch (RuntimeException e) {
            throw failure("delete " + path, e);
        }
    }

    /** A pgvault error passes through as it is; anything else becomes a {@link VaultUnavailableException}. */
    private RuntimeException failure(String action, RuntimeException e) {
        return e instanceof PgvaultException ? e : unavailable(action, clients.container().getBlobContainerName(), e);
    }

    static VaultUnavailableException unavailable(String action, String container, RuntimeException e) {
        // the SDK wraps a refused connection in reactive exceptions: show the cause
        Throwable root = PgvaultException.rootCause(e);
        String status = e instanceof BlobStorageException b ? "status " + b.getStatusCode() + " " + b.getErrorCode()
                : root.getClass().getSimpleName() + ": " + root.getMessage();
        String hint = e instanceof BlobStorageException b && (b.getStatusCode() == 403 || b.getStatusCode() == 401)
                ? "Grant the app's identity 'Storage Blob Data Contributor' on the vault account, or fix "
                        + "PGVAULT_VAULT_CONNECTION_STRING."
                : "Check PGVAULT_VAULT_ENDPOINT / PGVAULT_VAULT_CONNECTION_STRING and that the storage account is reachable.";
        return new VaultUnavailableException("Could not " + action + " in vault container \"" + container + "\".",
                status, hint, e);
    }

    /** A document and the ETag it was read with. */
    public record Versioned<T>(T value, String etag) {
    }
}
