package io.pgvault.vault;

import com.azure.core.http.HttpMethod;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.AccessTier;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.BlockListType;
import io.pgvault.testing.TestServices;
import io.pgvault.testing.VaultTap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The streaming sink on its own, against real Azurite: what it stores is what was written, and its buffers are
 * made as the stream needs them, never more than {@code blocksInFlight + 1}.
 */
class BlockBlobSinkTest {

    static final int BLOCK = 64 * 1024;
    static ExecutorService uploads;
    static BlobContainerClient container;
    /** Every request the sinks send, as it went out (the container's client goes through it). */
    static final VaultTap TAP = new VaultTap();

    @BeforeAll
    static void start() {
        uploads = Executors.newFixedThreadPool(4);
        container = new BlobServiceClientBuilder().connectionString(TestServices.env("PGVAULT_VAULT_CONNECTION_STRING"))
                .addPolicy(TAP).buildClient().getBlobContainerClient("sink-" + UUID.randomUUID().toString().substring(0, 8));
        container.create();
    }

    @AfterAll
    static void stop() {
        uploads.shutdownNow();
        container.delete();
    }

    BlockBlobSink sink(String name, int inFlight) {
        return new BlockBlobSink(container.getBlobClient(name).getBlockBlobClient(), uploads,
                new BlockSchedule(BLOCK, BlockSchedule.AZURE_MAX_BLOCKS), inFlight,
                AccessTier.HOT, "application/octet-stream");
    }

    @Test
    void aSmallFileCostsOneBufferAndOnePutBlob() throws Exception {
        BlockBlobSink sink = sink("small", 4);
        byte[] data = "roles and tablespaces".getBytes();
        int before = TAP.sent().size();
        sink.write(data, 0, data.length);
        BlockBlobSink.StoredFile stored = sink.commit();
        assertEquals(1, sink.allocatedBuffers(), "one buffer for a file smaller than a block");
        // on the wire: exactly one request, a Put Blob (PUT of the blob itself, no comp=block / comp=blocklist)
        List<VaultTap.Sent> all = TAP.sent();
        List<VaultTap.Sent> sent = all.subList(before, all.size());
        assertEquals(1, sent.size(), "one request: " + sent);
        VaultTap.Sent put = sent.get(0);
        assertEquals(HttpMethod.PUT, put.method(), put.toString());
        assertEquals("/devstoreaccount1/" + container.getBlobContainerName() + "/small", put.path(), put.toString());
        assertEquals(null, put.query(), "no comp=block or comp=blocklist: " + put);
        assertEquals("BlockBlob", put.headers().get("x-ms-blob-type"), put.toString());
        assertEquals("*", put.headers().get("If-None-Match"), "created only if absent: " + put);
        assertEquals(201, put.status(), put.toString());
        assertArrayEquals(data, container.getBlobClient("small").downloadContent().toBytes());
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data)), stored.sha256());
    }

    @Test
    void aLongStreamStaysWithinItsBuffersAndStoresExactlyItsBytes() throws Exception {
        int inFlight = 3;
        BlockBlobSink sink = sink("long", inFlight);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        Random random = new Random(42);
        byte[] chunk = new byte[10_000]; // not a divisor of the block size: blocks fill across writes
        long total = 0;
        for (int i = 0; i < 200; i++) {
            random.nextBytes(chunk);
            sink.write(chunk, 0, chunk.length);
            sha.update(chunk);
            total += chunk.length;
            assertTrue(sink.allocatedBuffers() <= inFlight + 1, "buffers: " + sink.allocatedBuffers());
        }
        BlockBlobSink.StoredFile stored = sink.commit();
        assertEquals(total, stored.bytes());
        assertEquals(HexFormat.of().formatHex(sha.digest()), stored.sha256());
        var blob = container.getBlobClient("long");
        assertEquals(total, blob.getProperties().getBlobSize());
        assertEquals((total + BLOCK - 1) / BLOCK, blob.getBlockBlobClient().listBlocks(BlockListType.COMMITTED)
                .getCommittedBlocks().size());
        assertEquals(stored.sha256(), HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(blob.downloadContent().toBytes())));
    }

    /**
     * A 409/412 on commit is taken for success only when the blob already holds exactly what was written (the
     * retry of a commit whose answer was lost). A different blob of the same size under the name stays, and the
     * commit fails: for a small file (Put Blob) and for a stream of several blocks (Put Block List).
     */
    @Test
    void anExistingBlobOfTheSameSizeButOtherBytesStillFailsTheCommit() {
        for (int size : new int[] {1000, 3 * BLOCK + 17}) {
            String name = "taken-" + size;
            byte[] theirs = new byte[size];
            byte[] ours = new byte[size];
            new Random(1).nextBytes(theirs);
            new Random(2).nextBytes(ours);
            container.getBlobClient(name).upload(com.azure.core.util.BinaryData.fromBytes(theirs));
            BlockBlobSink sink = sink(name, 2);
            var e = assertThrows(BlobStorageException.class, () -> {
                sink.write(ours, 0, ours.length);
                sink.commit();
            }, "commit over another blob of " + size + " bytes");
            assertTrue(e.getStatusCode() == 409 || e.getStatusCode() == 412, "status " + e.getStatusCode());
            assertArrayEquals(theirs, container.getBlobClient(name).downloadContent().toBytes(), "the other blob stays");
        }
    }
}
