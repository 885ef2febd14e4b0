package io.pgvault.vault;

import io.pgvault.jobs.JobContext;
import com.azure.core.http.rest.Response;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.blob.models.AccessTier;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.BlockBlobItem;
import com.azure.storage.blob.options.BlockBlobSimpleUploadOptions;
import com.azure.storage.blob.options.BlockBlobCommitBlockListOptions;
import com.azure.storage.blob.specialized.BlockBlobClient;
import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An output stream that uploads what is written to it straight into a new block blob: blocks staged in parallel
 * from a small pool of reusable buffers, SHA-256 and MD5 computed on the way, and the blob committed only by
 * {@link #commit()} with If-None-Match {@code *}: an existing blob is never overwritten, and a stream that
 * is {@linkplain #abort() aborted} leaves no blob (its uncommitted blocks expire in the service).
 *
 * <p>Block sizes follow a {@link BlockSchedule}: they grow with the stream, so a stream up to the schedule's
 * capacity (≈105.1 TiB with the defaults) stays within the block ceiling ({@code pgvault.backup.max-blocks},
 * Azure's 50,000), and a stream that outgrows it fails as soon as it does, not at commit.
 *
 * <p>Memory: at most {@code blocksInFlight + 1} buffers, each of the current block's size (buffers of an
 * outgrown size are dropped, not kept). For a 1 TiB stream with the defaults (8 MiB first block, 50,000 blocks,
 * 4 in flight) the blocks reach 128 MiB, so the bound is 5 × 128 MiB = 640 MiB; a stream up to 35.5 GiB stays in
 * 8 MiB blocks (40 MiB).
 */
public final class BlockBlobSink extends OutputStream {

    private static final Logger LOG = Logger.getLogger(BlockBlobSink.class);
    /** A stream's first buffer starts this small and grows to the block size only if the stream is that long. */
    static final int FIRST_BUFFER_BYTES = 64 * 1024;

    private final BlockBlobClient blob;
    private final ExecutorService uploads;
    private final BlockingQueue<BlockBuffer> freeBuffers;
    private final BlockSchedule schedule;
    private final int maxBuffers;
    private int allocatedBuffers;
    private final List<String> blockIds = new ArrayList<>();
    private final List<Future<?>> pending = new ArrayList<>();
    private final Sha256 sha256 = new Sha256();
    private final MessageDigest md5;
    private final AccessTier tier;
    private final String contentType;
    private BlockBuffer current;
    private long bytes;
    private boolean closed;

    /** The threads that stage blocks, shared by every sink of the vault: daemon threads, made as needed. */
    static ExecutorService newUploadPool() {
        AtomicInteger n = new AtomicInteger();
        return Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "pgvault-upload-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    BlockBlobSink(BlockBlobClient blob, ExecutorService uploads, BlockSchedule schedule, int blocksInFlight,
            AccessTier tier, String contentType) {
        this.blob = blob;
        this.uploads = uploads;
        this.tier = tier;
        this.contentType = contentType;
        this.schedule = schedule;
        this.maxBuffers = blocksInFlight + 1;
        this.freeBuffers = new ArrayBlockingQueue<>(maxBuffers);
        // Buffers are made as the stream needs them: a small file (roles, an empty database) costs one growing
        // buffer of a few KiB, not the whole pool, and only a stream that outruns its uploads reaches the bound.
        this.current = new BlockBuffer(schedule.blockBytes(0), FIRST_BUFFER_BYTES);
        this.allocatedBuffers = 1;
        try {
            this.md5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        ensureOpen();
        sha256.update(b, off, len);
        md5.update(b, off, len);
        bytes += len;
        while (len > 0) {
            if (current.full()) {
                stageCurrent(); // only when more bytes come: a stream that ends here may end in its last block
            }
            int n = current.put(b, off, len);
            off += n;
            len -= n;
        }
    }

    private void stageCurrent() throws IOException {
        rethrowFailures(false);
        if (blockIds.size() + 1 >= schedule.maxBlocks()) {
            throw ceiling();
        }
        BlockBuffer buffer = current;
        String id = nextBlockId();
        pending.add(uploads.submit(JobContext.wrap(() -> {
            try {
                blob.stageBlock(id, BinaryData.fromListByteBuffer(buffer.contents()));
            } finally {
                freeBuffers.add(buffer);
            }
        })));
        current = nextBuffer(schedule.blockBytes(blockIds.size()));
        current.clear();
    }

    private String nextBlockId() {
        // Fixed-width ids: the service requires all block ids of a blob to have the same length.
        String id = Base64.getEncoder().encodeToString(
                String.format("pgvault-%010d", blockIds.size()).getBytes(StandardCharsets.US_ASCII));
        blockIds.add(id);
        return id;
    }

    /** A free buffer of {@code size} bytes; waits while every buffer is in flight (back-pressure). */
    private BlockBuffer nextBuffer(long size) throws IOException {
        try {
            while (true) {
                BlockBuffer next = freeBuffers.poll();
                if (next == null && allocatedBuffers < maxBuffers) {
                    allocatedBuffers++;
                    return new BlockBuffer(size);
                }
                next = next != null ? next : freeBuffers.take();
                if (next.capacity() == size) {
                    return next;
                }
                allocatedBuffers--; // outgrown by the schedule: dropped, so memory follows the current size
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for an upload slot");
        }
    }

    /** The stream outgrew the schedule: refused now, while the rest of the dump has not been read. */
    private PgvaultException ceiling() {
        return new PgvaultException(ErrorKind.CONFIGURATION, "The upload of " + blob.getBlobName()
                + " is longer than a block blob can hold with the block settings; nothing was committed.",
                "more than " + schedule.capacityBytes() + " bytes written (" + String.format("%.1f MiB", schedule.capacityBytes() / 1048576.0)
                        + " fit: " + schedule.maxBlocks() + " blocks growing from " + schedule.firstBlockBytes()
                        + " bytes, pgvault.backup.max-blocks=" + schedule.maxBlocks() + ")",
                "Raise pgvault.backup.max-blocks (up to 50000, the default) or pgvault.backup.block-size-bytes, or use"
                        + " pgvault.backup.compression=zstd, and run the backup again.");
    }

    private void rethrowFailures(boolean waitForAll) throws IOException {
        var it = pending.iterator();
        while (it.hasNext()) {
            Future<?> f = it.next();
            if (!waitForAll && !f.isDone()) {
                continue;
            }
            try {
                f.get();
                it.remove();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while uploading");
            } catch (ExecutionException e) {
                throw new IOException("block upload failed: " + e.getCause().getMessage(), e.getCause());
            }
        }
    }

    /**
     * Uploads what is left and commits the blob, failing if a blob of that name already exists.
     *
     * @return size and checksums of what was stored
     */
    public StoredFile commit() throws IOException {
        ensureOpen();
        closed = true;
        BlobHttpHeaders headers = new BlobHttpHeaders().setContentType(contentType).setContentMd5(md5.digest());
        BlobRequestConditions createOnly = new BlobRequestConditions().setIfNoneMatch("*");
        if (!blockIds.isEmpty() && current.length() > 0) {
            stageLast();
        }
        rethrowFailures(true);
        try {
            if (blockIds.isEmpty()) {
                // Small file: one Put Blob instead of Put Block + Put Block List.
                BinaryData data = current.length() == 0 ? BinaryData.fromBytes(new byte[0])
                        : BinaryData.fromListByteBuffer(current.contents());
                blob.uploadWithResponse(new BlockBlobSimpleUploadOptions(data)
                        .setHeaders(headers).setRequestConditions(createOnly).setTier(tier), null, Context.NONE);
            } else {
                Response<BlockBlobItem> r = blob.commitBlockListWithResponse(new BlockBlobCommitBlockListOptions(blockIds)
                        .setHeaders(headers).setRequestConditions(createOnly).setTier(tier), null, Context.NONE);
                r.getValue();
            }
        } catch (BlobStorageException e) {
            // The SDK retries a request whose response was lost; if the first attempt created the blob, the retry
            // meets If-None-Match and fails. The blob is ours if it has exactly our size and MD5.
            if ((e.getStatusCode() != 409 && e.getStatusCode() != 412) || !holdsOurs(headers.getContentMd5())) {
                throw e;
            }
            LOG.infof("Commit of %s answered %d %s on a retry, but the blob holds exactly what was written (%d bytes, "
                    + "same MD5): an earlier attempt whose answer was lost committed it", blob.getBlobName(),
                    e.getStatusCode(), e.getErrorCode(), bytes);
        }
        return new StoredFile(blob.getBlobName(), bytes, sha256.hex(),
                Base64.getEncoder().encodeToString(headers.getContentMd5()));
    }

    /** Whether the blob now in the service is exactly what this sink wrote: same size and Content-MD5. */
    private boolean holdsOurs(byte[] contentMd5) {
        try {
            var props = blob.getProperties();
            return props.getBlobSize() == bytes && Arrays.equals(contentMd5, props.getContentMd5());
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Stages the stream's last, possibly partial, block; no buffer is needed after it. */
    private void stageLast() {
        BlockBuffer buffer = current;
        String id = nextBlockId();
        pending.add(uploads.submit(() -> blob.stageBlock(id, BinaryData.fromListByteBuffer(buffer.contents()))));
    }

    /** Block buffers live now (at most blocks in flight + 1). */
    int allocatedBuffers() {
        return allocatedBuffers;
    }

    /** Abandons the upload: nothing is committed, so no blob appears. */
    public void abort() {
        closed = true;
        pending.forEach(f -> f.cancel(true));
    }

    /** Bytes written so far. */
    public long bytesWritten() {
        return bytes;
    }

    /** Closing without {@link #commit()} aborts: a stream that ended in an error must not become a blob. */
    @Override
    public void close() {
        if (!closed) {
            abort();
        }
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("upload of " + blob.getBlobName() + " is already committed or aborted");
        }
    }

    /** What a committed upload stored. */
    public record StoredFile(String blobName, long bytes, String sha256, String md5Base64) {
    }
}
