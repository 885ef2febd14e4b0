package io.pgvault.restore.targets;

import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import com.azure.core.util.HttpClientOptions;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobContainerClientBuilder;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import io.pgvault.config.PgvaultConfig;
import io.pgvault.config.Settings;
import io.pgvault.restore.HostStorage;
import io.pgvault.restore.TargetGuard;
import io.pgvault.vault.VaultClients;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Clients for users' containers (restore targets), built only after {@link TargetGuard} accepted the URL.
 * With a SAS in the URL the SAS is the credential; without one pgvault uses its own identity, as Azure
 * Backup uses the vault's identity. This package is the one place outside the vault that uses the storage SDK.
 */
@ApplicationScoped
public class TargetClients {

    private final VaultClients clients;
    private volatile TargetGuard guard;
    private final List<String> identityAccounts;
    private final Settings settings;
    private final Clock clock;

    public TargetClients(VaultClients clients, PgvaultConfig config, Clock clock) {
        this.clients = clients;
        this.settings = new Settings(config);
        this.clock = clock;
        this.identityAccounts = config.restore().identityTargetAccounts().orElse(List.of()).stream()
                .map(String::trim).filter(a -> !a.isEmpty()).map(a -> a.toLowerCase(Locale.ROOT)).toList();
    }

    /**
     * Checks a target URL (before any connection) and whose account it names, or throws a
     * PgvaultException: never the vault's account or the Functions host's account, and without a SAS
     * only an account on {@code pgvault.restore.identity-target-accounts} — the app's identity may write to
     * accounts a caller of the restore function could not, so the caller must bring its own SAS elsewhere.
     */
    public TargetGuard.Target check(String url) {
        TargetGuard.Target target = guard().check(url);
        String account = target.account().toLowerCase(Locale.ROOT);
        String vaultAccount = clients.service().getAccountName();
        if (account.equalsIgnoreCase(vaultAccount)) {
            throw refused(target, "The restore target is in the vault's own storage account.",
                    "vault account " + vaultAccount,
                    "Restore into a container of another storage account; the vault holds backups only.");
        }
        Optional<String> host = HostStorage.accountName();
        if (host.isPresent() && account.equalsIgnoreCase(host.get())) {
            throw refused(target, "The restore target is the Functions host's storage account.",
                    "AzureWebJobsStorage account " + host.get(),
                    "Restore into a container of another storage account; the host account runs the app.");
        }
        if (target.sas() == null && !identityAccounts.contains(account)) {
            throw refused(target, "A restore target without a SAS must be on the identity allow-list.",
                    "PGVAULT_RESTORE_IDENTITY_TARGET_ACCOUNTS: "
                            + (identityAccounts.isEmpty() ? "(empty)" : String.join(", ", identityAccounts)),
                    "Add a SAS with read, write and list (sp=rcwl) to targetContainerUrl, or add " + target.account()
                            + " to PGVAULT_RESTORE_IDENTITY_TARGET_ACCOUNTS and give the app's identity "
                            + "'Storage Blob Data Contributor' on it.");
        }
        return target;
    }

    private static PgvaultException refused(TargetGuard.Target target, String problem, String evidence,
            String hint) {
        return new PgvaultException(ErrorKind.RESTORE_TARGET, problem, "targetContainerUrl " + target + " (account " + target.account()
                + "); " + evidence, hint);
    }

    /** The guard itself, for the SAS check; built on first use (a bad endpoint setting fails that use). */
    public TargetGuard guard() {
        TargetGuard g = guard;
        if (g == null) {
            g = new TargetGuard(settings.restoreAllowedEndpoints());
            guard = g;
        }
        return g;
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

    /**
     * The target container of a running restore: server-side copies into it, the restore kit, the read-back.
     *
     * @param failIfExists whether every write must create a new blob (recoveryOption FailIfExists)
     */
    public TargetContainer open(TargetGuard.Target target, boolean failIfExists) {
        return new TargetContainer(client(target), failIfExists, settings, clock);
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
            b.credential(clients.tokenCredential()); // an allow-listed account (check): the app's identity
        }
        return b.buildClient();
    }
}
