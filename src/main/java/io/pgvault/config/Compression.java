package io.pgvault.config;

/**
 * How dumps are compressed ({@code PGVAULT_BACKUP_COMPRESSION}), each with its range of levels and the level used
 * when none is given.
 */
public enum Compression {
    /** pg_dump writes uncompressed; pgvault compresses the stream with multi-threaded zstd (the default). */
    ZSTD("zstd", 1, 19, 1),
    /** pg_dump's own gzip. */
    GZIP("gzip", 1, 9, 6),
    /** Uncompressed. */
    NONE("none", 0, 0, 0);

    private final String spelling;
    private final int minLevel;
    private final int maxLevel;
    private final int defaultLevel;

    Compression(String spelling, int minLevel, int maxLevel, int defaultLevel) {
        this.spelling = spelling;
        this.minLevel = minLevel;
        this.maxLevel = maxLevel;
        this.defaultLevel = defaultLevel;
    }

    /** An algorithm and its level, as the setting chose them. */
    public record Choice(Compression algorithm, int level) {
    }

    public int minLevel() {
        return minLevel;
    }

    public int maxLevel() {
        return maxLevel;
    }

    public int defaultLevel() {
        return defaultLevel;
    }

    /** The setting's spelling of the algorithm. */
    @Override
    public String toString() {
        return spelling;
    }
}
