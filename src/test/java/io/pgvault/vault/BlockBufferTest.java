package io.pgvault.vault;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A growing block buffer (a stream's first block) holds exactly what was put, in order, up to its capacity. */
class BlockBufferTest {

    @Test
    void growingBufferKeepsEveryByteAndStopsAtCapacity() {
        byte[] data = new byte[300_000];
        new Random(18).nextBytes(data);
        BlockBuffer buffer = new BlockBuffer(262_144, 1_000);
        int off = 0;
        int piece = 1;
        while (!buffer.full()) {
            int n = buffer.put(data, off, Math.min(piece, data.length - off));
            off += n;
            piece = piece * 3 + 7; // odd sizes, across every growth step
        }
        assertEquals(262_144, off, "a full buffer took exactly its capacity");
        assertEquals(0, buffer.put(data, off, 10), "a full buffer takes nothing more");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (ByteBuffer b : buffer.contents()) {
            out.write(b.array(), b.arrayOffset() + b.position(), b.remaining());
        }
        byte[] expected = java.util.Arrays.copyOf(data, 262_144);
        assertArrayEquals(expected, out.toByteArray());
    }

    @Test
    void smallContentsOfAGrowingBufferStaySmall() {
        BlockBuffer buffer = new BlockBuffer(8L << 20, BlockBlobSink.FIRST_BUFFER_BYTES);
        buffer.put(new byte[5_000], 0, 5_000);
        long held = buffer.contents().stream().mapToLong(b -> b.array().length).sum();
        assertTrue(held <= BlockBlobSink.FIRST_BUFFER_BYTES, "an 8 MiB block holding 5,000 bytes uses " + held + " bytes");
        assertEquals(5_000, buffer.length());
    }
}
