package io.pgvault.vault;

import java.util.ArrayList;
import java.util.List;

/**
 * A running backup's progress document ({@link BackupLayout#progressPath}): every database file it committed so
 * far, with the SHA-256 and dump time recorded as the file committed. Created with If-None-Match {@code *} and
 * replaced with If-Match on its ETag, by its own run only. When the run dies, the next run of the same week
 * reads it ({@link ManifestCheck#checkProgress}) to reuse those files; it never holds a secret.
 */
public record RunProgress(int formatVersion, String server, String backupId, List<Manifest.File> files) {

    public static final int FORMAT_VERSION = 1;

    /** An empty progress document of a new run. */
    public static RunProgress start(String server, String backupId) {
        return new RunProgress(FORMAT_VERSION, server, backupId, List.of());
    }

    /** The database files it lists. */
    public List<Manifest.File> databaseFiles() {
        return files.stream().filter(f -> Manifest.File.KIND_DATABASE.equals(f.kind())).toList();
    }

    /** This document with more committed files (a database's whole dump, or all its parts). */
    public RunProgress with(List<Manifest.File> more) {
        List<Manifest.File> all = new ArrayList<>(files);
        all.addAll(more);
        return new RunProgress(formatVersion, server, backupId, List.copyOf(all));
    }
}
