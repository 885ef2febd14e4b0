package io.pgvault.backup;

import io.pgvault.http.Query;
import io.pgvault.matrix.BackupType;
import io.pgvault.matrix.Verdict;
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
        return text == null || text.isBlank() ? BackupType.FULL : BackupTypes.parse(text, "type=");
    }
}
