package io.pgvault.backup;

import com.github.luben.zstd.ZstdOutputStream;
import io.pgvault.config.Compression;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * How dumps are compressed. {@code zstd:N} (the default, level 1): pg_dump writes an uncompressed custom
 * archive and pgvault compresses the stream with multi-threaded zstd on its way to the vault — gzip inside
 * pg_dump is single-threaded and the bottleneck of a logical backup. {@code gzip:N}: pg_dump's own gzip.
 * {@code none}: uncompressed. The restore kit knows each. The setting is parsed by
 * {@link io.pgvault.config.Settings#compression()}.
 */
public record DumpCompression(Compression algorithm, int level) {

    /** No compression (the roles dump). */
    public static final DumpCompression UNCOMPRESSED = new DumpCompression(Compression.NONE, 0);

    /** The compression a setting chose. */
    public static DumpCompression of(Compression.Choice choice) {
        return new DumpCompression(choice.algorithm(), choice.level());
    }

    /** pg_dump's own compression option. */
    public List<String> pgDumpArgs() {
        return List.of("--compress=" + (algorithm == Compression.GZIP ? level : 0));
    }

    /** File name extension of a database dump. */
    public String extension() {
        return algorithm == Compression.ZSTD ? ".dump.zst" : ".dump";
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
        if (algorithm != Compression.ZSTD) {
            return shielded;
        }
        ZstdOutputStream z = new ZstdOutputStream(shielded, level);
        z.setWorkers(Math.max(1, workers));
        z.setCloseFrameOnFlush(false);
        return z;
    }

    /** Loads what compressing needs (zstd's native library) ahead of the first dump; harmless if it fails. */
    public void warmUp() {
        if (algorithm == Compression.ZSTD) {
            try {
                com.github.luben.zstd.util.Native.load();
            } catch (RuntimeException | LinkageError e) {
                // the first dump loads it again and reports the failure where it matters
            }
        }
    }

    @Override
    public String toString() {
        return algorithm == Compression.NONE ? Compression.NONE.toString() : algorithm + ":" + level;
    }
}
