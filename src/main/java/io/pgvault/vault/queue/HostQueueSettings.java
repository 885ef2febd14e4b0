package io.pgvault.vault.queue;

import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import org.eclipse.microprofile.config.Config;

import java.util.Optional;

/**
 * Where the Functions host's queues are, read from the same app settings the host reads for
 * {@code AzureWebJobsStorage}: a connection string (locally, Azurite with a QueueEndpoint), or identity-based
 * {@code AzureWebJobsStorage__queueServiceUri} / {@code __accountName} with {@code __clientId} (in Azure).
 *
 * @param connectionString the connection string, if the setting is one
 * @param endpoint         the queue service endpoint for identity-based access
 * @param clientId         the user-assigned identity's client id (empty: the default credential chain)
 */
record HostQueueSettings(Optional<String> connectionString, Optional<String> endpoint, Optional<String> clientId) {

    static final String SETTING = "AzureWebJobsStorage";

    static HostQueueSettings read(Config config) {
        Optional<String> cs = value(config, SETTING);
        if (cs.isPresent()) {
            return new HostQueueSettings(cs, Optional.empty(), Optional.empty());
        }
        Optional<String> clientId = value(config, SETTING + "__clientId");
        Optional<String> uri = value(config, SETTING + "__queueServiceUri");
        if (uri.isPresent()) {
            return new HostQueueSettings(Optional.empty(), uri, clientId);
        }
        Optional<String> account = value(config, SETTING + "__accountName");
        if (account.isPresent()) {
            return new HostQueueSettings(Optional.empty(),
                    Optional.of("https://" + account.get() + ".queue.core.windows.net"), clientId);
        }
        throw new PgvaultException(ErrorKind.CONFIGURATION, "The backup queue is not configured.",
                "none of AzureWebJobsStorage, AzureWebJobsStorage__queueServiceUri, AzureWebJobsStorage__accountName is set",
                "In Azure, infra/ sets AzureWebJobsStorage__accountName (identity-based); locally, source the env.sh that "
                        + "scripts/services.sh start writes (it exports AzureWebJobsStorage with a QueueEndpoint).");
    }

    private static Optional<String> value(Config config, String name) {
        return config.getOptionalValue(name, String.class).map(String::trim).filter(s -> !s.isEmpty());
    }
}
