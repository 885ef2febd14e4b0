package io.pgvault.vault;

import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.options.BlobParallelUploadOptions;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Supplier;

/** The JSON documents of the vault (manifests, week claims, job records): conditional writes and reads with ETag. */
final class JsonDocuments {

    private static final Logger LOG = Logger.getLogger(JsonDocuments.class);

    private final Supplier<BlobContainerClient> container;
    private final ObjectMapper json;

    JsonDocuments(Supplier<BlobContainerClient> container, ObjectMapper json) {
        this.container = container;
        this.json = json;
    }

    /**
     * Writes under {@code conditions}; with {@code ownContent} a conflict with exactly these bytes is success.
     * Returns the new ETag (null when an earlier attempt's lost answer had already written it).
     */
    String write(String path, Object document, BlobRequestConditions conditions, boolean ownContent) {
        byte[] body;
        try {
            body = json.writerWithDefaultPrettyPrinter().writeValueAsBytes(document);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        BlobContainerClient c = container.get();
        try {
            return c.getBlobClient(path).uploadWithResponse(new BlobParallelUploadOptions(BinaryData.fromBytes(body))
                    .setHeaders(new BlobHttpHeaders().setContentType("application/json"))
                    .setRequestConditions(conditions), Duration.ofMinutes(2), Context.NONE).getValue().getETag();
        } catch (RuntimeException e) {
            if (StorageErrors.conflict(e) && ownContent && holds(c, path, body)) {
                // the SDK retried a create whose first attempt succeeded but whose answer was lost
                LOG.infof("Create of %s answered %s on a retry, but the blob holds exactly this document: an "
                        + "earlier attempt whose answer was lost created it", path, StorageErrors.describe(e));
                return null;
            }
            if (StorageErrors.conflict(e)) {
                throw new PgvaultException(ErrorKind.CONFLICT, "The vault already holds a different version of " + path + ".",
                        StorageErrors.describe(e),
                        "Another pgvault run changed it at the same time; look at the job list and retry.", e);
            }
            throw StorageErrors.failure("write " + path, c.getBlobContainerName(), e);
        }
    }

    /** Whether the blob at {@code path} holds exactly {@code body}. */
    private static boolean holds(BlobContainerClient c, String path, byte[] body) {
        try {
            return Arrays.equals(body, c.getBlobClient(path).downloadContent().toBytes());
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** A document with its ETag, or empty if it does not exist; unparsable JSON is an UncheckedIOException. */
    <T> Optional<VaultStore.Versioned<T>> read(String path, Class<T> type) {
        BlobContainerClient c = container.get();
        try {
            var r = c.getBlobClient(path).downloadContentWithResponse(null, null, Duration.ofMinutes(2), Context.NONE);
            return Optional.of(new VaultStore.Versioned<>(json.readValue(r.getValue().toBytes(), type),
                    r.getDeserializedHeaders().getETag()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            if (StorageErrors.notFound(e)) {
                return Optional.empty();
            }
            throw StorageErrors.failure("read " + path, c.getBlobContainerName(), e);
        }
    }
}
