package io.pgvault.fleet;

import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.identity.ManagedIdentityCredentialBuilder;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Reads one Key Vault secret with the app's managed identity (Key Vault's REST API, {@code GET <secret
 * URI>?api-version=7.4}); the identity needs "Key Vault Secrets User" on that vault. Not reachable locally: tests
 * replace it (Key Vault is mocked there).
 */
final class KeyVaultSecrets {

    private static final String SCOPE = "https://vault.azure.net/.default";

    private final String clientId;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();

    KeyVaultSecrets(String clientId) {
        this.clientId = clientId == null || clientId.isBlank() ? null : clientId;
    }

    /** The secret's current value. */
    String secret(String uri) {
        try {
            TokenCredential credential = clientId == null ? new DefaultAzureCredentialBuilder().build()
                    : new ManagedIdentityCredentialBuilder().clientId(clientId).build();
            String token = credential.getTokenSync(new TokenRequestContext().addScopes(SCOPE)).getToken();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(uri + "?api-version=7.4"))
                    .header("Authorization", "Bearer " + token).timeout(Duration.ofMinutes(1)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw failed(uri, "HTTP " + r.statusCode(), null);
            }
            return new ObjectMapper().readTree(r.body()).path("value").asText();
        } catch (IOException | RuntimeException e) {
            if (e instanceof PgvaultException p) {
                throw p;
            }
            throw failed(uri, e.getClass().getSimpleName(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failed(uri, "interrupted", e);
        }
    }

    private static PgvaultException failed(String uri, String evidence, Throwable cause) {
        return new PgvaultException(ErrorKind.CONFIGURATION, "Could not read a server's password from Key Vault.",
                "secret " + uri + ": " + evidence, "Check that the secret exists and that the function app's managed "
                        + "identity has the role Key Vault Secrets User on that vault.", cause);
    }
}
