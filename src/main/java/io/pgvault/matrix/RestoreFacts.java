package io.pgvault.matrix;

import java.util.List;

/**
 * Everything {@link SupportMatrix#judgeRestore(RestoreFacts)} judges before a restore starts.
 *
 * @param backupId           the backup to restore
 * @param requestedDatabases databases asked for; empty (or null) means the whole backup
 * @param vault              placement of the vault holding the backup (null: unknown)
 * @param target             placement of the storage container restored to (null: unknown)
 * @param archivedFiles      files of the backup currently in the Archive tier (null: none)
 * @param intoServer         restored straight into a PostgreSQL server instead of as files into a container
 */
public record RestoreFacts(String backupId, List<String> requestedDatabases, Placement vault, Placement target,
                           List<String> archivedFiles, boolean intoServer) {

    /** A restore as files (the matrix's own kind). */
    public RestoreFacts(String backupId, List<String> requestedDatabases, Placement vault, Placement target,
                        List<String> archivedFiles) {
        this(backupId, requestedDatabases, vault, target, archivedFiles, false);
    }

    /** Copies the lists (null → empty); null placements become {@link Placement#unknown()}. */
    public RestoreFacts {
        requestedDatabases = requestedDatabases == null ? List.of() : List.copyOf(requestedDatabases);
        archivedFiles = archivedFiles == null ? List.of() : List.copyOf(archivedFiles);
        vault = vault == null ? Placement.unknown() : vault;
        target = target == null ? Placement.unknown() : target;
    }
}
