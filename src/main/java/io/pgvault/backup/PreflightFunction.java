package io.pgvault.backup;

import io.pgvault.http.Query;
import io.pgvault.matrix.BackupType;
import io.pgvault.matrix.Verdict;
import io.quarkus.funqy.Funq;
import jakarta.inject.Inject;

import java.time.Instant;

/** GET /api/preflight — everything the support matrix would refuse about the next backup, at once. */
public class PreflightFunction {

    @Inject
    BackupService backups;

    @Funq("preflight")
    public Verdict preflight(Query query) {
        BackupType type = query == null || query.getType() == null ? BackupType.FULL : BackupType.parse(query.getType());
        return backups.preflight(type, Instant.now()).verdict();
    }
}
