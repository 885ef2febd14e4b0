package io.pgvault.backup;

import io.pgvault.errors.PgvaultException;
import io.pgvault.errors.Redactor;
import io.pgvault.vault.BackupLayout;
import io.pgvault.vault.BlockBlobSink;
import io.pgvault.vault.Manifest;
import io.pgvault.vault.Sha256;
import io.pgvault.vault.VaultStore;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
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
     * Copies all of a database's files {@code earlier} (one whole dump, or every part of a split one) to this run's
     * folder: {@code wholePath} for a whole dump, its part names next to it for parts. Their manifest entries, or
     * empty if any one must be dumped again — then the copies made so far are removed, so the new dump can write
     * the same names.
     */
    Optional<List<Manifest.File>> copyAll(List<Manifest.File> earlier, RunResume resume, String prefix,
            String wholePath, BackupProgress progress) {
        List<Manifest.File> copied = new ArrayList<>();
        for (Manifest.File f : earlier) {
            String path = f.part() == null ? wholePath : BackupLayout.partFile(wholePath, f.part());
            Optional<Manifest.File> one = copy(f, resume, path, path.substring(prefix.length()), progress);
            if (one.isEmpty()) {
                copied.forEach(c -> vault.deleteIfExists(prefix + c.path()));
                return Optional.empty();
            }
            copied.add(one.get());
        }
        return Optional.of(List.copyOf(copied));
    }

    /**
     * Copies {@code earlier} (a file of {@code resume}'s interrupted run) to {@code path}, relative name
     * {@code relative}; the reused file's manifest entry, or empty if it must be dumped again.
     */
    private Optional<Manifest.File> copy(Manifest.File earlier, RunResume resume, String path, String relative,
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
