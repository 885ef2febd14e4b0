package io.pgvault.vault;

import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import com.azure.core.credential.TokenCredential;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.identity.ManagedIdentityCredentialBuilder;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import io.pgvault.config.PgvaultConfig;
import io.pgvault.config.Settings;
import io.pgvault.errors.Redactor;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.Optional;

/**
 * Builds the Azure Blob clients: the vault's from a connection string (locally, Azurite) or from its
 * endpoint and the app's managed identity (in Azure). All clients share the SDK's exponential retry
 * policy, so a storage hiccup is retried by the SDK, not by hand-written loops.
 */
@ApplicationScoped
public class VaultClients {

    private final PgvaultConfig.Vault vault;
    private volatile BlobServiceClient service;
    private volatile TokenCredential tokenCredential;
    private volatile boolean containerChecked;

    private final Settings settings;

    public VaultClients(PgvaultConfig config) {
        this.vault = config.vault();
        this.settings = new Settings(config); // parsed when the client is built: a bad value fails a call, not the start
        vault.connectionString().ifPresent(cs -> {
            Redactor.registerSecret(cs);
            Redactor.registerSecret(accountKey(cs));
        });
    }

    /** The SDK's exponential retry policy with {@code maxTries} attempts, the first delay {@code retryDelay}. */
    public static RequestRetryOptions retryOptions(int maxTries, Duration retryDelay) {
        return retryOptions(maxTries, retryDelay, Duration.ofSeconds(120));
    }

    /** The same, each try allowed {@code tryTimeout} (a synchronous copy answers only when it is done). */
    public static RequestRetryOptions retryOptions(int maxTries, Duration retryDelay, Duration tryTimeout) {
        return new RequestRetryOptions(RetryPolicyType.EXPONENTIAL, Math.max(1, maxTries), tryTimeout,
                retryDelay, Duration.ofSeconds(20), null);
    }

    /** The vault's blob service. */
    public BlobServiceClient service() {
        BlobServiceClient s = service;
        if (s == null) {
            synchronized (this) {
                if (service == null) {
                    service = build();
                }
                s = service;
            }
        }
        return s;
    }

    /** The vault container. */
    public BlobContainerClient container() {
        return service().getBlobContainerClient(vault.container());
    }

    /** The vault container, created on first use if it does not exist (locally; in Azure infra makes it). */
    BlobContainerClient checkedContainer() {
        BlobContainerClient c = container();
        if (!containerChecked) {
            boolean exists;
            try {
                exists = c.exists();
            } catch (RuntimeException e) {
                throw StorageErrors.unavailable("open the vault container", c.getBlobContainerName(), e);
            }
            if (!exists) {
                try {
                    c.createIfNotExists();
                } catch (RuntimeException e) {
                    PgvaultException cause = StorageErrors.unavailable("create the vault container",
                            c.getBlobContainerName(), e);
                    throw new PgvaultException(ErrorKind.VAULT_UNAVAILABLE, "The vault container \"" + c.getBlobContainerName()
                            + "\" does not exist, and pgvault could not create it.", cause.evidence(),
                            "Create the container (infra/ deploys it with the storage account), or point "
                                    + "PGVAULT_VAULT_CONTAINER at the existing vault container.", e);
                }
            }
            containerChecked = true;
        }
        return c;
    }

    /** The account key when the vault is reached with a connection string (local), for service SAS. */
    public Optional<StorageSharedKeyCredential> sharedKey() {
        return vault.connectionString().filter(cs -> !cs.isBlank()).flatMap(VaultClients::sharedKey);
    }

    /** The managed identity (or default chain) credential used in Azure. */
    public TokenCredential tokenCredential() {
        TokenCredential c = tokenCredential;
        if (c == null) {
            c = vault.managedIdentityClientId().filter(id -> !id.isBlank())
                    .<TokenCredential>map(id -> new ManagedIdentityCredentialBuilder().clientId(id).build())
                    .orElseGet(() -> new DefaultAzureCredentialBuilder().build());
            tokenCredential = c;
        }
        return c;
    }

    private BlobServiceClient build() {
        BlobServiceClientBuilder b = new BlobServiceClientBuilder()
                .retryOptions(retryOptions(settings.retryMaxTries(), settings.retryDelay()));
        Optional<String> cs = vault.connectionString().filter(s -> !s.isBlank());
        if (cs.isPresent()) {
            return b.connectionString(cs.get()).buildClient();
        }
        String endpoint = vault.endpoint().filter(s -> !s.isBlank()).orElseThrow(() -> new PgvaultException(ErrorKind.CONFIGURATION, 
                "The vault is not configured.",
                "neither PGVAULT_VAULT_CONNECTION_STRING nor PGVAULT_VAULT_ENDPOINT is set",
                "Set PGVAULT_VAULT_ENDPOINT=https://<account>.blob.core.windows.net (managed identity, in Azure) "
                        + "or PGVAULT_VAULT_CONNECTION_STRING (locally, e.g. Azurite)."));
        return b.endpoint(endpoint).credential(tokenCredential()).buildClient();
    }

    private static Optional<StorageSharedKeyCredential> sharedKey(String connectionString) {
        if (!connectionString.contains("AccountKey=") && !connectionString.contains("UseDevelopmentStorage=true")) {
            return Optional.empty();
        }
        try {
            return Optional.of(StorageSharedKeyCredential.fromConnectionString(connectionString));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static String accountKey(String connectionString) {
        for (String part : connectionString.split(";")) {
            if (part.startsWith("AccountKey=")) {
                return part.substring("AccountKey=".length());
            }
        }
        return null;
    }
}
