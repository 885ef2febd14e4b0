package io.pgvault.vault;

import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;

/**
 * The size of each block of a streamed upload: blocks grow with the stream, so a long stream stays within the
 * service's block-count ceiling while a short one costs only small blocks.
 *
 * <p>The schedule has two phases. <b>Slow</b>: the first block's size ({@code pgvault.backup.block-size-bytes})
 * doubles every {@code maxBlocks / 11} blocks, four times (8, 16, 32, 64, 128 MiB by default); with the defaults
 * the slow phase holds 1.075 TiB, so a stream of the matrix's largest server (1 TiB) ends in 128 MiB blocks.
 * <b>Fast</b>: after that the size doubles with every block (256, 512, 1024, 2048 MiB) up to Azure's largest block,
 * 4000 MiB, and stays there.
 *
 * <p>Why not Azure's full 190.7 TiB (50,000 × 4000 MiB): that total needs every block at 4000 MiB; each smaller
 * block loses its difference to 4000 MiB. Holding a 1 TiB stream in blocks averaging {@code a} MiB uses
 * {@code 1 TiB / a} blocks and so loses at least {@code (1 TiB / a) × (4000 − a)} MiB of the total: reaching
 * 190.7 TiB would need 1 TiB in about 270 blocks of ~3900 MiB each, i.e. gigabytes of buffers for every stream
 * beyond a few GiB. pgvault keeps memory small instead: with the defaults the schedule reaches
 * {@link #capacityBytes()} = 110,215,000 MiB ≈ 105.1 TiB (about 100 times the matrix's 1 TiB server, and 275 times
 * the 390 GiB that fixed 8 MiB blocks held); a 1 TiB stream uses 22,112 of the 50,000 blocks.
 *
 * <p>Memory: a sink holds at most {@code blocksInFlight + 1} buffers, each of the current block's size; for a 1 TiB
 * stream with the defaults that is 5 × 128 MiB = 640 MiB, reached only from the stream's 0.52nd TiB on.
 */
public final class BlockSchedule {

    /** Most committed blocks a block blob may have. */
    public static final int AZURE_MAX_BLOCKS = 50_000;
    /** Largest block (Put Block, service version 2019-12-12 and later): 4000 MiB. */
    public static final long AZURE_MAX_BLOCK_BYTES = 4000L << 20;
    /** Largest block blob: 50,000 × 4000 MiB ≈ 190.7 TiB. */
    public static final long AZURE_MAX_BLOB_BYTES = AZURE_MAX_BLOCKS * AZURE_MAX_BLOCK_BYTES;

    /** Doublings in the slow phase (first block × 2^0 … 2^4). */
    static final int SLOW_DOUBLINGS = 4;
    /** The slow phase's tranche is this fraction of the block ceiling. */
    static final int SLOW_PARTS = 11;

    private final long firstBlockBytes;
    private final int maxBlocks;
    private final int tranche;
    private final long capacityBytes;

    /** A schedule starting at {@code firstBlockBytes} with at most {@code maxBlocks} blocks; refuses bad settings. */
    public BlockSchedule(long firstBlockBytes, int maxBlocks) {
        if (firstBlockBytes < 1 || firstBlockBytes > AZURE_MAX_BLOCK_BYTES) {
            throw setting("pgvault.backup.block-size-bytes", firstBlockBytes, "1 to " + AZURE_MAX_BLOCK_BYTES
                    + " (4000 MiB, Azure's largest block); the default is 8388608 (8 MiB)");
        }
        if (maxBlocks < 1 || maxBlocks > AZURE_MAX_BLOCKS) {
            throw setting("pgvault.backup.max-blocks", maxBlocks, "1 to 50000 (Azure's most blocks per blob), the"
                    + " default");
        }
        this.firstBlockBytes = firstBlockBytes;
        this.maxBlocks = maxBlocks;
        this.tranche = Math.max(1, maxBlocks / SLOW_PARTS);
        long total = 0;
        for (int i = 0; i < maxBlocks; i++) {
            total += blockBytes(i);
        }
        this.capacityBytes = total;
    }

    private static PgvaultException setting(String name, long value, String allowed) {
        return new PgvaultException(ErrorKind.CONFIGURATION, "Setting " + name + " is out of range.",
                name + "=" + value, "Set " + name + " to " + allowed + ".");
    }

    /** Size of block {@code index} (0-based): never smaller than the previous one, never above 4000 MiB. */
    public long blockBytes(int index) {
        if (index < 0 || index >= maxBlocks) {
            throw new IndexOutOfBoundsException("block " + index + " of " + maxBlocks);
        }
        int slowBlocks = tranche * (SLOW_DOUBLINGS + 1);
        long doublings = index < slowBlocks ? index / tranche : SLOW_DOUBLINGS + 1L + (index - slowBlocks);
        // 2^33 × 1 byte already exceeds 4000 MiB: more doublings only reach the cap.
        return Math.min(AZURE_MAX_BLOCK_BYTES, firstBlockBytes << Math.min(doublings, 33));
    }

    /** The longest stream the schedule holds: the sum of all {@link #maxBlocks()} block sizes. */
    public long capacityBytes() {
        return capacityBytes;
    }

    /** Size of the block in which a stream of {@code streamBytes} ends (the largest block it uses). */
    public long blockBytesReachedAt(long streamBytes) {
        long total = 0;
        for (int i = 0; i < maxBlocks; i++) {
            total += blockBytes(i);
            if (total >= streamBytes) {
                return blockBytes(i);
            }
        }
        throw new IllegalArgumentException(streamBytes + " bytes exceed the schedule's " + capacityBytes);
    }

    /** Blocks a stream of {@code streamBytes} uses. */
    public int blocksUsedBy(long streamBytes) {
        long total = 0;
        for (int i = 0; i < maxBlocks; i++) {
            total += blockBytes(i);
            if (total >= streamBytes) {
                return i + 1;
            }
        }
        throw new IllegalArgumentException(streamBytes + " bytes exceed the schedule's " + capacityBytes);
    }

    /** The first block's size (the setting). */
    public long firstBlockBytes() {
        return firstBlockBytes;
    }

    /** The block-count ceiling (the setting, at most 50,000). */
    public int maxBlocks() {
        return maxBlocks;
    }
}
