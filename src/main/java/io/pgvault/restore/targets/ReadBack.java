package io.pgvault.restore.targets;

import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import io.pgvault.vault.Manifest;
import io.pgvault.vault.Sha256;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Base64;

/**
 * Checks every restored file against the manifest: {@code sha256} reads each one back and compares size and
 * SHA-256; {@code size} compares the size and the Content-MD5 the service stores (the copy keeps the vault
 * blob's) without reading. A mismatch is an {@link PgvaultException} of kind {@code INTEGRITY} naming the file.
 */
final class ReadBack {

    private final BlobContainerClient container;
    private final Runnable heartbeat;

    ReadBack(BlobContainerClient container, Runnable heartbeat) {
        this.container = container;
        this.heartbeat = heartbeat;
    }

    /** Checks every file of the manifest under {@code prefix}; returns the bytes read back. */
    long verify(Manifest manifest, String prefix, boolean readBack) {
        long total = 0;
        for (Manifest.File f : manifest.files()) {
            BlobClient restored = container.getBlobClient(prefix + f.path());
            if (readBack) {
                total += checkSha256(restored, f);
            } else {
                checkSize(restored, f);
            }
        }
        return total;
    }

    /** Reads the file back and compares size and SHA-256; returns the bytes read. */
    private long checkSha256(BlobClient restored, Manifest.File f) {
        Sha256 sha = new Sha256();
        try (InputStream in = restored.openInputStream()) {
            byte[] buf = new byte[1 << 20];
            int r;
            while ((r = in.read(buf)) >= 0) {
                sha.update(buf, 0, r);
                heartbeat.run();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long n = sha.bytes();
        String got = sha.hex();
        if (n != f.bytes() || !got.equals(f.sha256())) {
            throw mismatch(f, n + " bytes, sha256 " + got, true);
        }
        return n;
    }

    /** Compares the size and the stored Content-MD5 (when both sides have one) without reading. */
    private static void checkSize(BlobClient restored, Manifest.File f) {
        var props = restored.getProperties();
        long n = props.getBlobSize();
        String md5 = props.getContentMd5() == null ? null : Base64.getEncoder().encodeToString(props.getContentMd5());
        if (n != f.bytes() || (md5 != null && f.md5() != null && !md5.equals(f.md5()))) {
            throw mismatch(f, n + " bytes, Content-MD5 " + md5, false);
        }
    }

    private static PgvaultException mismatch(Manifest.File f, String got, boolean readBack) {
        return new PgvaultException(ErrorKind.INTEGRITY, "Restored file " + f.path() + " does not match the backup's manifest.",
                "manifest: " + f.bytes() + " bytes, sha256 " + f.sha256() + (readBack ? "" : ", md5 " + f.md5())
                        + "; restored: " + got,
                "The vault copy was changed or damaged after the backup; run bin/pgvault verify, and restore "
                        + "another backup.");
    }
}
