package io.pgvault.vault;

import java.time.Instant;
import java.util.List;

/**
 * What a committed backup holds. Written last, with If-None-Match {@code *}: a backup without its manifest
 * does not exist. {@code formatVersion} lets later pgvault versions read older backups.
 */
public record Manifest(
        int formatVersion,
        String server,
        String backupId,
        String isoWeek,
        String type,
        Instant startedAt,
        Instant finishedAt,
        String serverVersion,
        String pgDumpVersion,
        String compression,
        long totalBytes,
        List<File> files,
        List<ExcludedDatabase> excludedDatabases,
        String pgvaultVersion) {

    public static final int FORMAT_VERSION = 1;

    /** One stored file: a database's dump or the roles script. */
    public record File(
            String kind,
            String database,
            String owner,
            long databaseSizeBytes,
            String path,
            long bytes,
            String sha256,
            String md5,
            String compression) {

        public static final String KIND_DATABASE = "database";
        public static final String KIND_GLOBALS = "globals";
    }

    /** A database the matrix left out, and why. */
    public record ExcludedDatabase(String database, String owner, String reason) {
    }

    /** The database files, in manifest order. */
    public List<File> databaseFiles() {
        return files.stream().filter(f -> File.KIND_DATABASE.equals(f.kind())).toList();
    }
}
