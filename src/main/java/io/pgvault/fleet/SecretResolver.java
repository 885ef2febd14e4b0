package io.pgvault.fleet;

import io.pgvault.config.PgvaultConfig;
import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import io.pgvault.errors.Redactor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Turns a registered server's {@code passwordRef} into its password, at the moment a backup or preflight needs it
 * — the registry, job records and logs only ever hold the reference. Two kinds of reference:
 * <ul>
 *   <li>{@code env:VAR} (local use): an environment variable named {@code PGVAULT_PG_PASSWORD…} or
 *       {@code PGVAULT_SECRET_…}. Other variables hold pgvault's own secrets (the vault's connection string), which
 *       must never be sent to a server someone registered.</li>
 *   <li>a Key Vault secret URI {@code https://<vault>.vault.azure.net/secrets/<name>[/<version>]} (Azure): read
 *       with the app's managed identity ({@link KeyVaultSecrets}).</li>
 * </ul>
 * Anything else is refused without being echoed: it may be a password given inline. Every resolved password is
 * registered with the {@link Redactor}.
 */
@ApplicationScoped
public class SecretResolver {

    static final Pattern ENV_REF = Pattern.compile("env:((?:PGVAULT_PG_PASSWORD|PGVAULT_SECRET_)[A-Z0-9_]*)");
    static final Pattern KEY_VAULT_REF = Pattern.compile(
            "https://[a-z0-9-]{3,24}\\.vault\\.(?:azure\\.net|azure\\.cn|usgovcloudapi\\.net)/secrets/[A-Za-z0-9-]{1,127}"
                    + "(?:/[0-9a-f]{32})?");

    private final Function<String, String> keyVault;

    @Inject
    public SecretResolver(PgvaultConfig config) {
        this(new KeyVaultSecrets(config.pg().managedIdentityClientId().orElse(null))::secret);
    }

    /** With another Key Vault reader (tests: Key Vault is mocked there, there is none locally). */
    public SecretResolver(Function<String, String> keyVault) {
        this.keyVault = keyVault;
    }

    /** Throws INVALID_REQUEST unless {@code ref} is an accepted reference; never puts {@code ref} in the error. */
    public static String checkReference(String ref) {
        String r = ref == null ? "" : ref.trim();
        if (r.isEmpty()) {
            throw new PgvaultException(ErrorKind.INVALID_REQUEST, "auth \"password\" needs a passwordRef.",
                    "passwordRef is missing", "Give passwordRef: env:PGVAULT_PG_PASSWORD_<NAME> locally, or the Key "
                            + "Vault secret URI https://<vault>.vault.azure.net/secrets/<name> in Azure; or use auth \"entra\".");
        }
        if (ENV_REF.matcher(r).matches() || KEY_VAULT_REF.matcher(r).matches()) {
            return r;
        }
        String evidence = r.startsWith("env:") ? "passwordRef names environment variable "
                + io.pgvault.vault.BackupLayout.printable(r.substring(4)) + ", which is not a password variable"
                : "passwordRef is neither env:VAR nor a Key Vault secret URI (its value is not shown: it may be a password)";
        throw new PgvaultException(ErrorKind.INVALID_REQUEST, "The password reference was refused; nothing was saved.",
                evidence, "Never send a password itself. Locally put it in an environment variable named "
                        + "PGVAULT_PG_PASSWORD_<NAME> or PGVAULT_SECRET_<NAME> and give env:<that name>; in Azure store it "
                        + "in Key Vault and give the secret's URI (https://<vault>.vault.azure.net/secrets/<name>).");
    }

    /** The password a reference points to; CONFIGURATION error (naming the reference, never a value) if it is missing. */
    public String resolve(String ref) {
        String r = checkReference(ref);
        String value;
        var env = ENV_REF.matcher(r);
        if (env.matches()) {
            value = System.getenv(env.group(1));
            if (value == null) {
                throw new PgvaultException(ErrorKind.CONFIGURATION, "The password of a registered server is not set.",
                        "environment variable " + env.group(1) + " is not set",
                        "Set " + env.group(1) + " in the app settings / environment of every pgvault instance.");
            }
        } else {
            value = keyVault.apply(r);
        }
        Redactor.registerSecret(value);
        return value;
    }
}
