package io.pgvault.vault;

import com.azure.core.util.HttpClientOptions;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobContainerClientBuilder;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.common.policy.RequestRetryOptions;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A restore target container as the CLI uses it — made by {@code pgvault restore --create-container}, read back by
 * {@code pgvault fetch} — so that the storage SDK stays in this package. Open it only with a URL that
 * {@code io.pgvault.restore.TargetClients#check} accepted.
 */
public final class TargetContainer {

    /** Longest single storage call, as for a restore's copy (a large file's download is one call per range). */
    static final Duration CALL_TIMEOUT = Duration.ofMinutes(15);

    private final BlobContainerClient container;

    private TargetContainer(BlobContainerClient container) {
        this.container = container;
    }

    /**
     * The target container at {@code urlWithSas}; without a SAS ({@code useIdentity}) pgvault's own identity is the
     * credential, as for a restore into an allow-listed account.
     */
    public static TargetContainer open(VaultClients clients, String urlWithSas, boolean useIdentity) {
        RequestRetryOptions retry = VaultClients.retryOptions(6, Duration.ofMillis(500), CALL_TIMEOUT);
        BlobContainerClientBuilder b = new BlobContainerClientBuilder().endpoint(urlWithSas).retryOptions(retry)
                .clientOptions(new HttpClientOptions().setResponseTimeout(CALL_TIMEOUT).setReadTimeout(CALL_TIMEOUT));
        if (useIdentity) {
            b.credential(clients.tokenCredential());
        }
        return new TargetContainer(b.buildClient());
    }

    /** Creates the container if it does not exist. */
    public void createIfMissing() {
        try {
            container.createIfNotExists();
        } catch (RuntimeException e) {
            throw StorageErrors.failure("create the container", container.getBlobContainerName(), e);
        }
    }

    /** Names of the blobs under {@code prefix}. */
    public List<String> names(String prefix) {
        List<String> out = new ArrayList<>();
        try {
            container.listBlobs(new ListBlobsOptions().setPrefix(prefix), null).forEach(i -> out.add(i.getName()));
        } catch (RuntimeException e) {
            throw StorageErrors.failure("list " + prefix, container.getBlobContainerName(), e);
        }
        return out;
    }

    /** Downloads one blob to {@code file}, replacing it. */
    public void download(String name, Path file) {
        try {
            container.getBlobClient(name).downloadToFile(file.toString(), true);
        } catch (RuntimeException e) {
            throw StorageErrors.failure("download " + name, container.getBlobContainerName(), e);
        }
    }
}
