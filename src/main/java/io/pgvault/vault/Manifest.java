package io.pgvault.vault;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * What a committed backup holds. Written last, with If-None-Match {@code *}: a backup without its manifest
 * does not exist. {@code formatVersion} lets later pgvault versions read older backups.
 * {@code systemIdentifier} is the source cluster's {@code pg_control_system().system_identifier} (decimal), so a
 * restore into a server can refuse the source itself even when the source is unreachable; null in manifests
 * written before it was recorded.
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
        String pgvaultVersion,
        String systemIdentifier) {

    public static final int FORMAT_VERSION = 1;

    /** A manifest without the source's system identifier (older callers and tests). */
    public Manifest(int formatVersion, String server, String backupId, String isoWeek, String type, Instant startedAt,
            Instant finishedAt, String serverVersion, String pgDumpVersion, String compression, long totalBytes,
            List<File> files, List<ExcludedDatabase> excludedDatabases, String pgvaultVersion) {
        this(formatVersion, server, backupId, isoWeek, type, startedAt, finishedAt, serverVersion, pgDumpVersion,
                compression, totalBytes, files, excludedDatabases, pgvaultVersion, null);
    }

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
            String reusedFrom,
            String part,
            List<TableStat> tables) {

        public static final String KIND_DATABASE = "database";
        public static final String KIND_GLOBALS = "globals";

        /** A file dumped by this run, with no dump time (older callers and tests). */
        public File(String kind, String database, String owner, long databaseSizeBytes, String path, long bytes,
                String sha256, String md5, String compression) {
            this(kind, database, owner, databaseSizeBytes, path, bytes, sha256, md5, compression, null, null);
        }

        /** A whole-database file or the roles script, without part or table statistics. */
        public File(String kind, String database, String owner, long databaseSizeBytes, String path, long bytes,
                String sha256, String md5, String compression, Instant dumpedAt, String reusedFrom) {
            this(kind, database, owner, databaseSizeBytes, path, bytes, sha256, md5, compression, dumpedAt, reusedFrom,
                    null, null);
        }

        /** This file under another path, marked as reused from {@code backupId} (its dump time stays). */
        public File reusedAs(String newPath, String backupId) {
            return new File(kind, database, owner, databaseSizeBytes, newPath, bytes, sha256, md5, compression,
                    dumpedAt, backupId, part, tables);
        }
    }

    /** Part names of a split database, in restore order (data parts are {@code data-1} … {@code data-N}). */
    public static final String PART_PRE_DATA = "pre-data";
    public static final String PART_POST_DATA = "post-data";
    public static final String PART_DATA_PREFIX = "data-";

    /**
     * One table as the backup saw it: {@code rows} exact (counted in the dump's snapshot) when {@code exact}, else
     * the planner's estimate ({@code pg_class.reltuples}); {@code bytes} from {@code pg_total_relation_size}.
     */
    public record TableStat(String schema, String table, long rows, boolean exact, long bytes) {
    }

    /**
     * One database's files in restore order: {@code stages} run one after the other, the files within a stage
     * may run in parallel. A whole-database dump is one stage of one file; a split one is
     * [pre-data], [data-1 … data-N], [post-data].
     */
    public record DatabaseDump(String database, List<List<File>> stages) {

        /** Every file of this database, in restore order. */
        public List<File> files() {
            return stages.stream().flatMap(List::stream).toList();
        }

        /** Whether the database was dumped in parallel parts. */
        public boolean split() {
            return stages.size() > 1 || stages.get(0).size() > 1 || stages.get(0).get(0).part() != null;
        }
    }

    /** A database the matrix left out, and why. */
    public record ExcludedDatabase(String database, String owner, String reason) {
    }

    /** The database files, in manifest order. */
    public List<File> databaseFiles() {
        return files.stream().filter(f -> File.KIND_DATABASE.equals(f.kind())).toList();
    }

    /** The databases with their files grouped into restore stages, in manifest order. */
    public List<DatabaseDump> databaseDumps() {
        LinkedHashMap<String, List<File>> byDb = new LinkedHashMap<>();
        for (File f : databaseFiles()) {
            byDb.computeIfAbsent(f.database(), d -> new ArrayList<>()).add(f);
        }
        return byDb.entrySet().stream().map(e -> new DatabaseDump(e.getKey(), stages(e.getValue()))).toList();
    }

    private static List<List<File>> stages(List<File> files) {
        if (files.size() == 1 && files.get(0).part() == null) {
            return List.of(files);
        }
        List<File> pre = files.stream().filter(f -> PART_PRE_DATA.equals(f.part())).toList();
        List<File> data = files.stream().filter(f -> f.part() != null && f.part().startsWith(PART_DATA_PREFIX)).toList();
        List<File> post = files.stream().filter(f -> PART_POST_DATA.equals(f.part())).toList();
        return List.of(pre, data, post);
    }
}
