package io.pgvault.backup;

import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import io.pgvault.matrix.BackupType;
import io.pgvault.vault.BackupLayout;

/** Backup types from user text, for the preflight function and the CLI alike. */
public final class BackupTypes {

    private BackupTypes() {
    }

    /**
     * A backup type from user text; unknown text is refused with the allowed values (400, not a 500). {@code given}
     * names where the text came from ({@code type=}, {@code --type }) in the evidence and the HINT.
     */
    public static BackupType parse(String text, String given) {
        try {
            return BackupType.parse(text);
        } catch (IllegalArgumentException e) {
            throw new PgvaultException(ErrorKind.INVALID_REQUEST, "Unknown backup type.", given + BackupLayout.printable(text)
                    + "; allowed: " + BackupType.allowedValues(),
                    "Use " + given + "full (the only type the support matrix allows).");
        }
    }
}
