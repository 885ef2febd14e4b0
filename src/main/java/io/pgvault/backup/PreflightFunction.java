package io.pgvault.backup;

import io.pgvault.errors.InvalidRequestException;
import io.pgvault.http.Query;
import io.pgvault.matrix.BackupType;
import io.pgvault.matrix.Verdict;
import io.pgvault.vault.BackupLayout;
import io.quarkus.funqy.Funq;
import jakarta.inject.Inject;

import java.time.Instant;

/** GET /api/preflight[?type=full] — everything the support matrix would refuse about the next backup, at once. */
public class PreflightFunction {

    @Inject
    BackupService backups;

    @Funq("preflight")
    public Verdict preflight(Query query) {
        return backups.preflight(type(query == null ? null : query.getType()), Instant.now()).verdict();
    }

    /** The requested type ({@code type=}, full when absent); unknown text is the caller's mistake (400), not a 500. */
    static BackupType type(String text) {
        return text == null || text.isBlank() ? BackupType.FULL : parseType(text, "type=");
    }

    /**
     * A backup type from user text; unknown text is refused with the allowed values. {@code given} names where
     * the text came from ({@code type=}, {@code --type }) in the evidence and the HINT.
     */
    public static BackupType parseType(String text, String given) {
        try {
            return BackupType.parse(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("Unknown backup type.", given + BackupLayout.printable(text)
                    + "; allowed: " + BackupType.allowedValues(),
                    "Use " + given + "full (the only type the support matrix allows).");
        }
    }
}
