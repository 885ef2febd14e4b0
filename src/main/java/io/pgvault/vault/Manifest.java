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

    /**
     * One stored file: a database's dump or the roles script. {@code dumpedAt} is when its dump ended (null in
     * manifests written before resumed runs existed); {@code reusedFrom} names the interrupted run of the same week
     * whose committed file this backup re-read, checked against that run's SHA-256 and kept (null: dumped by this
     * run). A resumed backup's databases therefore come from different times, each consistent in itself.
     */
    public record File(
            String kind,
            String database,
            String owner,
            long databaseSizeBytes,
            String path,
            long bytes,
            String sha256,
            String md5,
            String compression,
            Instant dumpedAt,
            String reusedFrom) {

        public static final String KIND_DATABASE = "database";
        public static final String KIND_GLOBALS = "globals";

        /** A file dumped by this run, with no dump time (older callers and tests). */
        public File(String kind, String database, String owner, long databaseSizeBytes, String path, long bytes,
                String sha256, String md5, String compression) {
            this(kind, database, owner, databaseSizeBytes, path, bytes, sha256, md5, compression, null, null);
        }

        /** This file under another path, marked as reused from {@code backupId} (its dump time stays). */
        public File reusedAs(String newPath, String backupId) {
            return new File(kind, database, owner, databaseSizeBytes, newPath, bytes, sha256, md5, compression,
                    dumpedAt, backupId);
        }
    }

    /** A database the matrix left out, and why. */
    public record ExcludedDatabase(String database, String owner, String reason) {
    }

    /** The database files, in manifest order. */
    public List<File> databaseFiles() {
        return files.stream().filter(f -> File.KIND_DATABASE.equals(f.kind())).toList();
    }
}
