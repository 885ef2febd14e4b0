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

    /** The requested type; unknown text is the caller's mistake (400), not a server failure (500). */
    static BackupType type(String text) {
        if (text == null || text.isBlank()) {
            return BackupType.FULL;
        }
        try {
            return BackupType.parse(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("Unknown backup type.", "type: " + BackupLayout.printable(text)
                    + "; allowed: " + BackupType.allowedValues(), "Use type=full (the only type the support matrix allows).");
        }
    }
}
