package io.pgvault.vault;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A vault blob being read: the SDK's failures while reading leave as pgvault errors ({@link StorageErrors}), except
 * a blob that vanished mid-read, which is an {@link IOException} like any other stream that ends early.
 */
final class VaultReadStream extends FilterInputStream {

    private final String path;
    private final String container;

    VaultReadStream(InputStream in, String path, String container) {
        super(in);
        this.path = path;
        this.container = container;
    }

    @Override
    public int read() throws IOException {
        try {
            return super.read();
        } catch (RuntimeException e) {
            throw translated(e);
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        try {
            return super.read(b, off, len);
        } catch (RuntimeException e) {
            throw translated(e);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            super.close();
        } catch (RuntimeException e) {
            throw translated(e);
        }
    }

    private IOException translated(RuntimeException e) {
        if (StorageErrors.notFound(e)) {
            return new IOException(path + " vanished while it was read (" + StorageErrors.describe(e) + ")", e);
        }
        throw StorageErrors.failure("read " + path, container, e);
    }
}
