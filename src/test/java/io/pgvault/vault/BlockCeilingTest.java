package io.pgvault.vault;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.AccessTier;
import com.azure.storage.blob.models.Block;
import com.azure.storage.blob.models.BlockListType;
import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import io.pgvault.postgres.DumpProcess;
import io.pgvault.testing.Errors;
import io.pgvault.testing.TestServices;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The block ceiling on real streams (a child process's stdout, pumped by {@link DumpProcess} as a dump is) into real
 * Azurite: a lowered {@code pgvault.backup.max-blocks} forces the blocks to grow and the blob still commits with
 * exactly the source's bytes; a stream the schedule cannot hold fails while streaming, with a clear error.
 */
class BlockCeilingTest {

    static final int FIRST = 64 * 1024;
    static ExecutorService uploads;
    static BlobContainerClient container;
    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        uploads = Executors.newFixedThreadPool(4);
        container = new BlobServiceClientBuilder().connectionString(TestServices.env("PGVAULT_VAULT_CONNECTION_STRING"))
                .buildClient().getBlobContainerClient("ceiling-" + UUID.randomUUID().toString().substring(0, 8));
        container.create();
    }

    @AfterAll
    static void stop() {
        uploads.shutdownNow();
        container.delete();
    }

    BlockBlobSink sink(String name, BlockSchedule schedule, int inFlight) {
        return new BlockBlobSink(container.getBlobClient(name).getBlockBlobClient(), uploads, schedule, inFlight,
                AccessTier.HOT, "application/octet-stream");
    }

    /** {@code bytes} random bytes on a child's stdout, also kept in a file to hash the source independently. */
    ProcessBuilder randomStream(long bytes, Path copy) {
        return new ProcessBuilder("sh", "-c", "head -c " + bytes + " /dev/urandom | tee '" + copy + "'");
    }

    @Test
    void aLoweredCeilingForcesGrowingBlocksAndTheBlobCommitsExactlyTheSource() throws Exception {
        long bytes = 6_000_017; // 92 blocks of 64 KiB at a fixed size; the ceiling allows 22
        BlockSchedule schedule = new BlockSchedule(FIRST, 22);
        BlockBlobSink sink = sink("grown", schedule, 2);
        Path source = dir.resolve("source");
        long pumped = DumpProcess.run(randomStream(bytes, source), "random bytes", sink, Duration.ofMinutes(2),
                n -> { }, p -> { });
        BlockBlobSink.StoredFile stored = sink.commit();
        assertEquals(bytes, pumped);
        assertTrue(sink.allocatedBuffers() <= 3, "buffers: " + sink.allocatedBuffers());
        String sourceSha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(source)));
        var blob = container.getBlobClient("grown");
        assertEquals(sourceSha, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(blob.downloadContent().toBytes())), "downloaded blob = source");
        assertEquals(sourceSha, stored.sha256(), "recorded SHA-256 = source");
        List<Block> blocks = blob.getBlockBlobClient().listBlocks(BlockListType.COMMITTED).getCommittedBlocks();
        assertTrue(blocks.size() <= 22, "committed blocks: " + blocks.size());
        long previous = 0;
        for (int i = 0; i < blocks.size() - 1; i++) { // every block but the last is full: exactly the schedule's size
            assertEquals(schedule.blockBytes(i), blocks.get(i).getSizeLong(), "block " + i);
            assertTrue(blocks.get(i).getSizeLong() >= previous);
            previous = blocks.get(i).getSizeLong();
        }
        assertTrue(previous >= 16L * FIRST, "the blocks grew to " + previous + " bytes");
        assertEquals(bytes, blocks.stream().mapToLong(Block::getSizeLong).sum());
    }

    @Test
    void aStreamTheScheduleCannotHoldFailsWhileStreamingWithAClearError() {
        BlockSchedule schedule = new BlockSchedule(FIRST, 5); // 64+128+256+512+1024 KiB = 1984 KiB
        BlockBlobSink sink = sink("too-long", schedule, 2);
        AtomicReference<Process> child = new AtomicReference<>();
        long[] seen = {0};
        PgvaultException e = Errors.assertKind(ErrorKind.CONFIGURATION, () -> DumpProcess.run(
                randomStream(50_000_000, dir.resolve("unused")), "random bytes", sink, Duration.ofMinutes(2),
                n -> seen[0] = n, child::set), "a stream longer than the schedule");
        assertTrue(e.problem().contains("too-long") && e.problem().contains("nothing was committed"), e.problem());
        assertTrue(e.evidence().contains(schedule.capacityBytes() + " bytes")
                && e.evidence().contains("pgvault.backup.max-blocks=5"), e.evidence());
        assertTrue(e.hint().contains("pgvault.backup.max-blocks"), e.hint());
        // refused as soon as the 5 blocks were full, not after the whole 50 MB stream
        assertTrue(sink.bytesWritten() <= schedule.capacityBytes() + (1 << 20), "written: " + sink.bytesWritten()); // + one pump read
        assertFalse(child.get().isAlive(), "the producing process was stopped");
        sink.close();
        assertFalse(container.getBlobClient("too-long").exists(), "no blob");
    }
}
