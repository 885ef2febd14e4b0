package io.pgvault.restore;

import com.azure.core.util.HttpClientOptions;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobContainerClientBuilder;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import io.pgvault.config.PgvaultConfig;
import io.pgvault.vault.VaultClients;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.List;

/**
 * Clients for users' containers (restore targets), built only after {@link TargetGuard} accepted the URL.
 * With a SAS in the URL the SAS is the credential; without one pgvault uses its own identity, as Azure
 * Backup uses the vault's identity.
 */
@ApplicationScoped
public class TargetClients {

    private final VaultClients clients;
    private final TargetGuard guard;

    public TargetClients(VaultClients clients, PgvaultConfig config) {
        this.clients = clients;
        this.guard = new TargetGuard(config.restore().allowedEndpoints().orElse(List.of()));
    }

    /** Checks a target URL (before any connection) or throws a RestoreTargetException. */
    public TargetGuard.Target check(String url) {
        return guard.check(url);
    }

    /**
     * Whether pgvault writes to the target with the vault's own account key (no SAS given, same account): then
     * the copy request's Shared Key authorization also covers reading the vault blob, and the source URL needs
     * no SAS at all. (Locally with Azurite; in Azure only if the vault is reached with a connection string.)
     */
    public boolean sharesVaultKey(TargetGuard.Target target) {
        return target.sas() == null
                && clients.sharedKey().filter(k -> k.getAccountName().equals(target.account())).isPresent();
    }

    /** The guard itself, for the SAS check. */
    public TargetGuard guard() {
        return guard;
    }

    /**
     * A client for the copy: retries like the vault's clients, but one call may take up to 15 minutes — a
     * synchronous Copy Blob From URL of up to 256 MiB answers only when the bytes are copied (and Azurite
     * answers even an asynchronous Copy Blob only then), which the SDK's 60-second response timeout would cut
     * and retry.
     */
    public BlobContainerClient client(TargetGuard.Target target) {
        return build(target, VaultClients.retryOptions(6, Duration.ofMillis(500), CALL_TIMEOUT));
    }

    /** Longest single storage call of a copy. */
    static final Duration CALL_TIMEOUT = Duration.ofMinutes(15);

    /**
     * A client for the checks made while the HTTP request waits: two tries of at most 10 s each, so an
     * unreachable target is reported in seconds instead of after minutes of retries.
     */
    public BlobContainerClient probeClient(TargetGuard.Target target) {
        return build(target, new RequestRetryOptions(RetryPolicyType.FIXED, 2, Duration.ofSeconds(10),
                Duration.ofMillis(300), Duration.ofMillis(300), null));
    }

    private BlobContainerClient build(TargetGuard.Target target, RequestRetryOptions retry) {
        BlobContainerClientBuilder b = new BlobContainerClientBuilder().endpoint(target.urlWithSas())
                .retryOptions(retry).clientOptions(new HttpClientOptions().setResponseTimeout(retry.getTryTimeoutDuration())
                        .setReadTimeout(retry.getTryTimeoutDuration()));
        if (target.sas() == null) {
            var key = clients.sharedKey().filter(k -> k.getAccountName().equals(target.account()));
            if (key.isPresent()) {
                b.credential(key.get());
            } else {
                b.credential(clients.tokenCredential());
            }
        }
        return b.buildClient();
    }
}
