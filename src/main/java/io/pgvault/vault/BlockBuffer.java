package io.pgvault.vault;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One block's bytes. A Java array holds at most 2 GiB, Azure's largest block is 4000 MiB: a block above
 * {@link #CHUNK} bytes is held in several arrays and staged as their concatenation. A buffer may start small and
 * grow to its capacity as bytes come (a stream's first block): a server of many small databases then allocates
 * kilobytes per file, not a whole block each, and the heap stays flat in the number of databases.
 */
final class BlockBuffer {

    /** Largest single array: 1 GiB. */
    static final int CHUNK = 1 << 30;

    private final byte[][] chunks;
    private final long capacity;
    private long length;

    /** A buffer of {@code capacity} bytes, all allocated now. */
    BlockBuffer(long capacity) {
        this(capacity, capacity);
    }

    /** A buffer of {@code capacity} bytes whose arrays start at {@code initialBytes} and grow as bytes come. */
    BlockBuffer(long capacity, long initialBytes) {
        this.capacity = capacity;
        int n = (int) ((capacity + CHUNK - 1) / CHUNK);
        chunks = new byte[n][];
        for (int i = 0; i < n; i++) {
            chunks[i] = new byte[(int) Math.min(chunkSize(i), Math.max(0, initialBytes - (long) i * CHUNK))];
        }
    }

    /** Full size of array {@code i}. */
    private int chunkSize(int i) {
        return (int) Math.min(CHUNK, capacity - (long) i * CHUNK);
    }

    /** Array {@code i}, grown (doubling, at most to its full size) to hold at least {@code needed} bytes. */
    private byte[] chunk(int i, int needed) {
        byte[] chunk = chunks[i];
        if (chunk.length < needed) {
            int size = (int) Math.min(chunkSize(i), Math.max(needed, 2L * chunk.length));
            chunk = Arrays.copyOf(chunk, size);
            chunks[i] = chunk;
        }
        return chunk;
    }

    long capacity() {
        return capacity;
    }

    long length() {
        return length;
    }

    boolean full() {
        return length == capacity;
    }

    void clear() {
        length = 0;
    }

    /** Copies as much of {@code b[off..off+len)} as fits; returns how much that was. */
    int put(byte[] b, int off, int len) {
        int n = (int) Math.min(len, capacity - length);
        int done = 0;
        while (done < n) {
            int i = (int) (length / CHUNK);
            int at = (int) (length % CHUNK);
            int k = Math.min(n - done, chunkSize(i) - at);
            byte[] chunk = chunk(i, at + k);
            System.arraycopy(b, off + done, chunk, at, k);
            done += k;
            length += k;
        }
        return n;
    }

    /** The bytes held, as views over the arrays (nothing copied). */
    List<ByteBuffer> contents() {
        List<ByteBuffer> out = new ArrayList<>(chunks.length);
        long left = length;
        for (byte[] chunk : chunks) {
            if (left <= 0) {
                break;
            }
            int k = (int) Math.min(left, chunk.length);
            out.add(ByteBuffer.wrap(chunk, 0, k));
            left -= k;
        }
        return out;
    }
}
