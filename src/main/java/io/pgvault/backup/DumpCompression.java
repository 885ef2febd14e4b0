package io.pgvault.backup;

import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import com.github.luben.zstd.ZstdOutputStream;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * How dumps are compressed. {@code zstd:N} (the default, level 1): pg_dump writes an uncompressed custom
 * archive and pgvault compresses the stream with multi-threaded zstd on its way to the vault — gzip inside
 * pg_dump is single-threaded and the bottleneck of a logical backup. {@code gzip:N}: pg_dump's own gzip.
 * {@code none}: uncompressed. The restore kit knows each.
 */
public record DumpCompression(String algorithm, int level) {

    public static final String ZSTD = "zstd";
    public static final String GZIP = "gzip";
    public static final String NONE = "none";

    /** Parses {@code zstd}, {@code zstd:3}, {@code gzip:6}, {@code none}. */
    public static DumpCompression parse(String setting) {
        String s = setting == null ? "" : setting.trim().toLowerCase();
        String[] parts = s.split(":", 2);
        try {
            return switch (parts[0]) {
                case ZSTD -> new DumpCompression(ZSTD, parts.length > 1 ? range(Integer.parseInt(parts[1]), 1, 19) : 1);
                case GZIP -> new DumpCompression(GZIP, parts.length > 1 ? range(Integer.parseInt(parts[1]), 1, 9) : 6);
                case NONE -> new DumpCompression(NONE, 0);
                default -> throw new IllegalArgumentException();
            };
        } catch (IllegalArgumentException e) {
            throw new PgvaultException(ErrorKind.CONFIGURATION, "pgvault.backup.compression has an unknown value.",
                    "PGVAULT_BACKUP_COMPRESSION=" + setting,
                    "Use zstd[:1-19] (fastest, the default), gzip[:1-9] (pg_dump's own) or none.");
        }
    }

    private static int range(int v, int min, int max) {
        if (v < min || v > max) {
            throw new IllegalArgumentException();
        }
        return v;
    }

    /** pg_dump's own compression option. */
    public List<String> pgDumpArgs() {
        return List.of("--compress=" + (GZIP.equals(algorithm) ? level : 0));
    }

    /** File name extension of a database dump. */
    public String extension() {
        return ZSTD.equals(algorithm) ? ".dump.zst" : ".dump";
    }

    /**
     * Wraps the vault stream with pgvault-side compression, if any. Closing the returned stream finishes
     * the compressed frame but never closes {@code vault}: only a commit may end a vault upload.
     */
    public OutputStream wrap(OutputStream vault, int workers) throws IOException {
        OutputStream shielded = new java.io.FilterOutputStream(vault) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                out.flush();
            }
        };
        if (!ZSTD.equals(algorithm)) {
            return shielded;
        }
        ZstdOutputStream z = new ZstdOutputStream(shielded, level);
        z.setWorkers(Math.max(1, workers));
        z.setCloseFrameOnFlush(false);
        return z;
    }

    /** Loads what compressing needs (zstd's native library) ahead of the first dump; harmless if it fails. */
    public void warmUp() {
        if (ZSTD.equals(algorithm)) {
            try {
                com.github.luben.zstd.util.Native.load();
            } catch (RuntimeException | LinkageError e) {
                // the first dump loads it again and reports the failure where it matters
            }
        }
    }

    @Override
    public String toString() {
        return NONE.equals(algorithm) ? NONE : algorithm + ":" + level;
    }
}
