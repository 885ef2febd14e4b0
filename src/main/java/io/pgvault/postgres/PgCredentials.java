package io.pgvault.postgres;

import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import com.azure.core.credential.TokenRequestContext;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.identity.ManagedIdentityCredentialBuilder;
import io.pgvault.config.PgvaultConfig;
import io.pgvault.config.Settings;
import io.pgvault.errors.Redactor;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Supplies the password pgvault logs in with: the configured password (locally, or a Key Vault reference
 * resolved by the Functions host), or a Microsoft Entra access token of the app's managed identity
 * (passwordless, the default in Azure). Tokens live about an hour: one is fetched per backup.
 */
@ApplicationScoped
public class PgCredentials {

    /** Scope of Azure Database for PostgreSQL's Entra tokens. */
    static final String ENTRA_SCOPE = "https://ossrdbms-aad.database.windows.net/.default";

    private final PgvaultConfig.Pg pg;

    private final Settings settings;

    public PgCredentials(PgvaultConfig config, Settings settings) {
        this.pg = config.pg();
        this.settings = settings;
        pg.password().ifPresent(Redactor::registerSecret);
    }

    /** The password for the next connection or tool run; never logged. */
    public String password() {
        return switch (settings.pgAuth()) {
            case PASSWORD -> pg.password().orElse("");
            case ENTRA -> entraToken();
        };
    }

    private String entraToken() {
        try {
            var context = new TokenRequestContext().addScopes(ENTRA_SCOPE);
            var credential = pg.managedIdentityClientId()
                    .filter(id -> !id.isBlank())
                    .<com.azure.core.credential.TokenCredential>map(
                            id -> new ManagedIdentityCredentialBuilder().clientId(id).build())
                    .orElseGet(() -> new DefaultAzureCredentialBuilder().build());
            String token = credential.getTokenSync(context).getToken();
            Redactor.registerSecret(token);
            return token;
        } catch (RuntimeException e) {
            throw new PgvaultException(ErrorKind.DATABASE_UNAVAILABLE, 
                    "Could not get a Microsoft Entra token for PostgreSQL.",
                    "identity client id: " + pg.managedIdentityClientId().orElse("(default chain)")
                            + "; cause: " + e.getClass().getSimpleName(),
                    "Check that the function app's managed identity exists and is an Entra admin or role on the "
                            + "server (pgaadauth_create_principal), or set PGVAULT_PG_AUTH=password.", e);
        }
    }
}
