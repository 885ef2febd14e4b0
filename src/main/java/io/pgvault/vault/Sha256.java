package io.pgvault.vault;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A streaming SHA-256 and byte count: what a backup writes (BlockBlobSink) and what a verify or restore reads
 * back are hashed the same way, so the manifest's {@code sha256} compares.
 */
public final class Sha256 {

    private final MessageDigest digest;
    private long bytes;

    public Sha256() {
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public void update(byte b) {
        digest.update(b);
        bytes++;
    }

    public void update(byte[] b, int off, int len) {
        digest.update(b, off, len);
        bytes += len;
    }

    /** Bytes hashed so far. */
    public long bytes() {
        return bytes;
    }

    /** The SHA-256 of {@code data} in lower-case hex, as a manifest holds it. */
    public static String hex(byte[] data) {
        Sha256 sha = new Sha256();
        sha.update(data, 0, data.length);
        return sha.hex();
    }

    /** The digest in lower-case hex, as a manifest holds it; ends the hash. */
    public String hex() {
        return HexFormat.of().formatHex(digest.digest());
    }

    /** A stream that hashes and counts every byte read through it (skip reads too: no byte escapes the digest). */
    public static final class Reading extends FilterInputStream {
        private final Sha256 sha = new Sha256();

        public Reading(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                sha.update((byte) b);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                sha.update(b, off, n);
            }
            return n;
        }

        @Override
        public long skip(long n) {
            return 0; // every byte must pass through the digest
        }

        public long bytes() {
            return sha.bytes();
        }

        /** The digest of what was read; ends the hash. */
        public String sha256() {
            return sha.hex();
        }
    }
}
