package io.pgvault.vault;

import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.UserDelegationKey;
import com.azure.storage.blob.sas.BlobSasPermission;
import com.azure.storage.blob.sas.BlobServiceSasSignatureValues;
import io.pgvault.errors.PgvaultException;

import java.time.Duration;
import java.time.OffsetDateTime;

/**
 * Read-only URLs of vault blobs, for a server-side copy out of the vault (a restore): the copy's target reads
 * the source itself, so no backup byte passes through pgvault. Each URL carries a SAS on that one blob: a
 * service SAS locally (shared key), a user-delegation SAS with managed identity, whose key is fetched once and
 * reused while it is valid long enough. One instance serves one restore.
 */
public final class CopySources {

    private final BlobContainerClient container;
    private final VaultClients clients;
    private UserDelegationKey delegationKey;
    private OffsetDateTime keyExpiry;

    CopySources(BlobContainerClient container, VaultClients clients) {
        this.container = container;
        this.clients = clients;
    }

    /**
     * The URL of {@code path} with a read-only SAS valid for {@code life} (as long as the copy it serves may
     * read the source). Never logged: it is a credential.
     */
    public synchronized String readUrl(String path, Duration life) {
        try {
            BlobClient blob = container.getBlobClient(path);
            OffsetDateTime expiry = OffsetDateTime.now().plus(life);
            var values = new BlobServiceSasSignatureValues(expiry, new BlobSasPermission().setReadPermission(true));
            if (clients.sharedKey().isPresent()) {
                return blob.getBlobUrl() + "?" + blob.generateSas(values);
            }
            if (delegationKey == null || keyExpiry.isBefore(expiry)) {
                keyExpiry = expiry.plusHours(1);
                delegationKey = clients.service().getUserDelegationKey(OffsetDateTime.now().minusMinutes(5), keyExpiry);
            }
            return blob.getBlobUrl() + "?" + blob.generateUserDelegationSas(values, delegationKey);
        } catch (RuntimeException e) {
            throw e instanceof PgvaultException ? e
                    : StorageErrors.unavailable("grant read access to " + path, container.getBlobContainerName(), e);
        }
    }
}
