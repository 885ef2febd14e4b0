package io.pgvault.backup;

import io.pgvault.errors.PgvaultException;
import io.pgvault.errors.Redactor;
import io.pgvault.vault.BlockBlobSink;
import io.pgvault.vault.Manifest;
import io.pgvault.vault.Sha256;
import io.pgvault.vault.VaultStore;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * Reuse of a database file an interrupted run committed: the file is re-read from the vault through a SHA-256
 * and streamed into this run's folder; the copy commits only if the digest and size equal what the interrupted
 * run recorded as it committed the file. Anything else — a changed or missing file, a read failure — is never
 * trusted: the copy is abandoned and the database dumped again.
 */
final class ReusedFiles {

    private static final Logger LOG = Logger.getLogger(ReusedFiles.class);

    private final VaultStore vault;

    ReusedFiles(VaultStore vault) {
        this.vault = vault;
    }

    /**
     * Copies {@code earlier} (a file of {@code resume}'s interrupted run) to {@code path}, relative name
     * {@code relative}; the reused file's manifest entry, or empty if it must be dumped again.
     */
    Optional<Manifest.File> copy(Manifest.File earlier, RunResume resume, String path, String relative,
            BackupProgress progress) {
        String source = resume.sourcePath(earlier);
        BlockBlobSink sink = vault.newBlob(path, "application/octet-stream");
        boolean committed = false;
        progress.started(earlier.database());
        try (InputStream in = vault.openFile(source).orElseThrow(() -> new IOException(source + " is gone"))) {
            Sha256.Reading read = new Sha256.Reading(in);
            read.transferTo(sink);
            String sha = read.sha256();
            if (!sha.equals(earlier.sha256()) || read.bytes() != earlier.bytes()) {
                LOG.warnf("Database \"%s\" of interrupted backup %s does not match the SHA-256 recorded when it "
                        + "committed (recorded %s, %d bytes; re-read %s, %d bytes): it is dumped again, not reused",
                        earlier.database(), resume.fromBackupId(), earlier.sha256(), earlier.bytes(), sha, read.bytes());
                return Optional.empty();
            }
            BlockBlobSink.StoredFile stored = sink.commit();
            committed = true;
            progress.done(earlier.database(), stored.bytes());
            LOG.infof("Database \"%s\": reused the file interrupted backup %s committed (dumped %s; SHA-256 %s "
                    + "re-read and matched)", earlier.database(), resume.fromBackupId(), earlier.dumpedAt(), sha);
            return Optional.of(earlier.reusedAs(relative, resume.fromBackupId()));
        } catch (IOException | PgvaultException e) {
            LOG.warnf("Database \"%s\" of interrupted backup %s could not be re-read, so it is dumped again: %s",
                    earlier.database(), resume.fromBackupId(), Redactor.redact(String.valueOf(e.getMessage())));
            return Optional.empty();
        } finally {
            if (!committed) {
                sink.abort();
            }
        }
    }
}
