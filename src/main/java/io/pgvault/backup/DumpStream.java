package io.pgvault.backup;

import io.pgvault.config.Settings;
import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import io.pgvault.postgres.DumpProcess;
import io.pgvault.vault.BlockBlobSink;
import io.pgvault.vault.VaultStore;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Streams one tool's stdout into one new blob of a backup's folder, compressed on the way; the blob exists only if
 * the tool succeeded and the upload committed.
 */
final class DumpStream {

    private static final Logger LOG = Logger.getLogger(DumpStream.class);

    private final Settings settings;
    private final VaultStore vault;

    DumpStream(Settings settings, VaultStore vault) {
        this.settings = settings;
        this.vault = vault;
    }

    /** Where one dump goes and what it shares with the other dumps of its backup. */
    record Dump(String prefix, String path, DumpCompression compression, int workers, BackupProgress progress,
            RunningDumps running, RunResume resume, DumpSlots slots) {

        /** The same dump into another file, its tool among {@code processes} (a part of a split database). */
        Dump to(String otherPath, RunningDumps processes) {
            return new Dump(prefix, otherPath, compression, workers, progress, processes, resume, slots);
        }

        /** The file's name inside the backup's folder, as the manifest records it. */
        String relative() {
            return path.substring(prefix.length());
        }
    }

    /** Runs {@code pb} and stores its output in {@code dump}'s file (the caller holds a slot, if it needs one). */
    BlockBlobSink.StoredFile stream(ProcessBuilder pb, String what, String contentType, String item, Dump dump) {
        BlockBlobSink sink = vault.newBlob(dump.path(), contentType);
        OutputStream out = null;
        boolean committed = false;
        try {
            out = dump.compression().wrap(sink, dump.workers());
            dump.progress().started(item);
            DumpProcess.run(pb, what, out, settings.backupTimeout(), n -> dump.progress().update(item, n),
                    dump.running()::started);
            out.close(); // finishes the compressed frame; the sink stays open
            BlockBlobSink.StoredFile stored = sink.commit();
            committed = true;
            dump.progress().done(item, stored.bytes());
            LOG.debugf("Dump of %s stored: %d bytes", what, stored.bytes());
            return stored;
        } catch (IOException e) {
            throw new PgvaultException(ErrorKind.VAULT_UNAVAILABLE, "Could not store " + what + " in the vault.", e.getMessage(),
                    "Check the vault's availability and run the backup again; nothing was committed.", e);
        } finally {
            if (!committed) {
                sink.abort();
                closeQuietly(out);
            }
        }
    }

    private static void closeQuietly(OutputStream out) {
        if (out != null) {
            try {
                out.close();
            } catch (IOException | RuntimeException ignored) {
                // the upload is aborted already
            }
        }
    }
}
