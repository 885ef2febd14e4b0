package io.pgvault.fleet;

import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import io.pgvault.vault.BackupLayout;

import java.util.List;
import java.util.Locale;

/**
 * Which hosts a registered server may name (PGVAULT_FLEET_ALLOWED_HOSTS). pgvault sends each registered server its
 * credentials — the managed identity's Entra token, or a password from Key Vault — so without this list anyone
 * holding a function key could register a host of their own and collect a token that is valid for every real server.
 * Checked before a registration's preflight connects and again before each backup of a stored entry.
 */
public final class HostAllowList {

    private HostAllowList() {
    }

    /** True when {@code host} equals an entry, or ends with the suffix of a {@code *.suffix} entry (case-insensitive). */
    public static boolean allows(List<String> patterns, String host) {
        String h = host == null ? "" : host.trim().toLowerCase(Locale.ROOT);
        for (String p : patterns) {
            String pattern = p.trim().toLowerCase(Locale.ROOT);
            if (pattern.startsWith("*.") ? h.endsWith(pattern.substring(1)) && h.length() > pattern.length() - 1
                    : h.equals(pattern)) {
                return true;
            }
        }
        return false;
    }

    /** Throws FORBIDDEN-like INVALID_REQUEST naming the host and the setting when {@code host} is not allowed. */
    public static void check(List<String> patterns, String server, String host) {
        if (!allows(patterns, host)) {
            throw new PgvaultException(ErrorKind.INVALID_REQUEST,
                    "Server " + server + " names a host pgvault may not send credentials to.",
                    "host " + BackupLayout.printable(host) + "; PGVAULT_FLEET_ALLOWED_HOSTS=" + String.join(",", patterns),
                    "Register servers under an allowed host (Azure's are *.postgres.database.azure.com), or add the host"
                            + " or its *.domain to the app setting PGVAULT_FLEET_ALLOWED_HOSTS.");
        }
    }
}
