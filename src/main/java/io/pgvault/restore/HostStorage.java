package io.pgvault.restore;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

import java.net.URI;
import java.util.Optional;

/**
 * The Functions host's own storage account (AzureWebJobsStorage), which restores must never write to: the
 * app's identity owns it and the host keeps its leases, keys and queues there. The host names it in one of
 * three app settings: a connection string, {@code __accountName} or {@code __blobServiceUri} (identity-based).
 */
public final class HostStorage {

    private HostStorage() {
    }

    /** The host account's name, if the app settings name one. */
    public static Optional<String> accountName() {
        Config config = ConfigProvider.getConfig();
        Optional<String> name = config.getOptionalValue("AzureWebJobsStorage__accountName", String.class)
                .filter(s -> !s.isBlank()).map(String::trim);
        if (name.isPresent()) {
            return name;
        }
        Optional<String> blobUri = config.getOptionalValue("AzureWebJobsStorage__blobServiceUri", String.class)
                .flatMap(HostStorage::fromEndpoint);
        if (blobUri.isPresent()) {
            return blobUri;
        }
        return config.getOptionalValue("AzureWebJobsStorage", String.class).flatMap(HostStorage::fromConnectionString);
    }

    /** AccountName=… of a connection string, or the account of its BlobEndpoint. */
    static Optional<String> fromConnectionString(String connectionString) {
        String endpoint = null;
        for (String part : connectionString.split(";")) {
            String p = part.trim();
            if (p.regionMatches(true, 0, "AccountName=", 0, 12) && p.length() > 12) {
                return Optional.of(p.substring(12));
            }
            if (p.regionMatches(true, 0, "BlobEndpoint=", 0, 13)) {
                endpoint = p.substring(13);
            }
            if (p.equalsIgnoreCase("UseDevelopmentStorage=true")) {
                return Optional.of("devstoreaccount1");
            }
        }
        return endpoint == null ? Optional.empty() : fromEndpoint(endpoint);
    }

    /** {@code https://acct.blob.core.windows.net} → acct; a path-style (emulator) endpoint → its first segment. */
    static Optional<String> fromEndpoint(String endpoint) {
        try {
            URI uri = URI.create(endpoint.trim());
            String host = uri.getHost();
            if (host == null) {
                return Optional.empty();
            }
            String path = uri.getPath() == null ? "" : uri.getPath().replaceAll("^/+", "");
            if (!path.isEmpty() && (host.equals("localhost") || host.chars().allMatch(c -> c == '.' || Character.isDigit(c)))) {
                return Optional.of(path.split("/")[0]);
            }
            return Optional.of(host.split("\\.")[0]);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
