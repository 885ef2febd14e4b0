package io.pgvault.vault;

import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import io.pgvault.testing.Errors;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The block-size schedule on its own (pure arithmetic, no storage): with the defaults it walks every stream size up
 * to Azure's 190.7 TiB, and the numbers docs/performance.md states are what the schedule computes.
 */
class BlockScheduleTest {

    static final long MiB = 1L << 20;
    static final long TiB = 1L << 40;
    static final BlockSchedule DEFAULTS = new BlockSchedule(8 * MiB, 50_000);

    @Test
    void sizesStartAtTheSettingNeverShrinkAndNeverExceedAzuresLargestBlock() {
        assertEquals(8 * MiB, DEFAULTS.blockBytes(0));
        BigInteger sum = BigInteger.ZERO;
        long previous = 0;
        for (int i = 0; i < 50_000; i++) {
            long size = DEFAULTS.blockBytes(i);
            assertTrue(size >= previous, "block " + i + " shrank: " + size + " after " + previous);
            assertTrue(size <= BlockSchedule.AZURE_MAX_BLOCK_BYTES, "block " + i + ": " + size);
            previous = size;
            sum = sum.add(BigInteger.valueOf(size));
        }
        assertEquals(BlockSchedule.AZURE_MAX_BLOCK_BYTES, previous, "the last blocks reach 4000 MiB");
        assertEquals(sum, BigInteger.valueOf(DEFAULTS.capacityBytes()), "capacity is the sum of the block sizes");
        assertThrows(IndexOutOfBoundsException.class, () -> DEFAULTS.blockBytes(50_000));
    }

    /** Every stream size from 1 byte to 190.7 TiB: fits in ≤ 50,000 blocks up to the capacity, refused beyond. */
    @Test
    void walksStreamSizesUpTo190point7TiB() {
        long capacity = DEFAULTS.capacityBytes();
        assertEquals(110_215_000L * MiB, capacity, "the capacity docs/performance.md states (≈105.1 TiB)");
        assertTrue(capacity > 100 * TiB && capacity < BlockSchedule.AZURE_MAX_BLOB_BYTES, "capacity " + capacity);
        assertEquals(200_000_000L * MiB, BlockSchedule.AZURE_MAX_BLOB_BYTES, "50,000 × 4000 MiB");
        int lastBlocks = 0;
        for (long size = 1; size <= capacity; size = size < capacity / 2 ? size * 2 + 1 : capacity) {
            int blocks = DEFAULTS.blocksUsedBy(size);
            assertTrue(blocks <= 50_000 && blocks >= lastBlocks, size + " bytes: " + blocks + " blocks");
            lastBlocks = blocks;
            if (size == capacity) {
                break;
            }
        }
        assertEquals(50_000, DEFAULTS.blocksUsedBy(capacity));
        long azureMax = (long) (190.7 * TiB);
        for (long tooLong : new long[] {capacity + 1, azureMax, BlockSchedule.AZURE_MAX_BLOB_BYTES}) {
            assertThrows(IllegalArgumentException.class, () -> DEFAULTS.blocksUsedBy(tooLong), tooLong + " bytes");
        }
        // the fixed 8 MiB blocks held 390.6 GiB; one byte more now fits, in 64 MiB blocks and far below the ceiling
        long oldCeiling = 50_000L * 8 * MiB;
        assertEquals(64 * MiB, DEFAULTS.blockBytesReachedAt(oldCeiling + 1));
        assertTrue(DEFAULTS.blocksUsedBy(oldCeiling + 1) < 25_000);
    }

    /** The 1 TiB arithmetic of docs/performance.md: 128 MiB blocks, 22,112 blocks, so 5 × 128 MiB buffers. */
    @Test
    void aOneTebibyteStreamEndsIn128MiBBlocks() {
        assertEquals(128 * MiB, DEFAULTS.blockBytesReachedAt(TiB));
        assertEquals(22_112, DEFAULTS.blocksUsedBy(TiB));
        long slowTranche = 4545 * 8 * MiB; // 35.5 GiB
        assertEquals(8 * MiB, DEFAULTS.blockBytesReachedAt(slowTranche), "streams up to 35.5 GiB stay in 8 MiB blocks");
        assertEquals(16 * MiB, DEFAULTS.blockBytesReachedAt(slowTranche + 1));
    }

    @Test
    void aLowCeilingGrowsFromTheFirstBlock() {
        BlockSchedule five = new BlockSchedule(64 * 1024, 5);
        for (int i = 0; i < 5; i++) {
            assertEquals((64L * 1024) << i, five.blockBytes(i), "block " + i);
        }
        assertEquals(64L * 1024 * 31, five.capacityBytes());
    }

    @Test
    void outOfRangeSettingsAreRefusedNamingTheSetting() {
        record Bad(long first, int maxBlocks, String setting) {
        }
        for (Bad bad : new Bad[] {new Bad(0, 50_000, "block-size-bytes"),
                new Bad(BlockSchedule.AZURE_MAX_BLOCK_BYTES + 1, 50_000, "block-size-bytes"),
                new Bad(8 * MiB, 0, "max-blocks"), new Bad(8 * MiB, 50_001, "max-blocks")}) {
            PgvaultException e = Errors.assertKind(ErrorKind.CONFIGURATION,
                    () -> new BlockSchedule(bad.first(), bad.maxBlocks()), bad.toString());
            assertTrue(e.problem().contains("pgvault.backup." + bad.setting()), e.problem());
            assertTrue(e.hint().contains("pgvault.backup." + bad.setting()), e.hint());
        }
    }
}
