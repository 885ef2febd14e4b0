package io.pgvault.restore;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobContainerClientBuilder;
import io.pgvault.config.PgvaultConfig;
import io.pgvault.vault.VaultClients;
import jakarta.enterprise.context.ApplicationScoped;

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

    public BlobContainerClient client(TargetGuard.Target target) {
        BlobContainerClientBuilder b = new BlobContainerClientBuilder().endpoint(target.urlWithSas())
                .retryOptions(VaultClients.retryOptions());
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
