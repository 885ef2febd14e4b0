package io.pgvault.restore.targets;

import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.models.BlobCopyInfo;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.CopyStatusType;
import com.azure.storage.blob.options.BlobBeginCopyOptions;
import com.azure.storage.blob.options.BlobCopyFromUrlOptions;
import io.pgvault.config.Settings;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * One server-side copy into the target: the synchronous Copy Blob From URL up to its size cap, the asynchronous
 * Copy Blob above it (watched, bounded by copy-timeout). No backup byte passes through pgvault. Afterwards the
 * copy's source (a URL with pgvault's read SAS) is removed from the restored blob.
 */
final class ServerSideCopy {

    private static final Logger LOG = Logger.getLogger(ServerSideCopy.class);

    private final Settings settings;
    private final Clock clock;

    ServerSideCopy(Settings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    void copyOne(String name, String sourceUrl, BlobClient dest, long bytes, BlobRequestConditions cond,
            Runnable heartbeat) {
        if (bytes >= 0 && bytes <= settings.syncCopyMaxBytes()) {
            dest.copyFromUrlWithResponse(new BlobCopyFromUrlOptions(sourceUrl).setDestinationRequestConditions(cond),
                    Duration.ofMinutes(10), null);
        } else {
            LOG.debugf("Copying %s (%d bytes) with asynchronous Copy Blob", name, bytes);
            copyAsync(name, sourceUrl, dest, cond, heartbeat);
        }
        forgetCopySource(dest);
    }

    /** Asynchronous Copy Blob: the service copies on its own; we only watch it and keep the job record fresh. */
    private void copyAsync(String name, String sourceUrl, BlobClient dest, BlobRequestConditions cond,
            Runnable heartbeat) {
        var poller = dest.beginCopy(new BlobBeginCopyOptions(sourceUrl).setDestinationRequestConditions(cond)
                .setPollInterval(Duration.ofSeconds(1)));
        Instant deadline = clock.instant().plus(settings.copyTimeout());
        var response = poller.poll();
        while (!response.getStatus().isComplete()) {
            if (clock.instant().isAfter(deadline)) {
                throw tookTooLong(name, dest, response.getValue());
            }
            heartbeat.run();
            sleep(Duration.ofSeconds(1));
            response = poller.poll();
        }
        BlobCopyInfo info = response.getValue();
        if (info.getCopyStatus() != CopyStatusType.SUCCESS) {
            throw new PgvaultException(ErrorKind.RESTORE_TARGET, "The server-side copy of " + name + " did not succeed.",
                    "copy status " + info.getCopyStatus() + ": " + info.getError(),
                    "Check that the source backup still exists and restore again with recoveryOption Overwrite.");
        }
    }

    /** Aborts a copy that ran past copy-timeout and says so. */
    private PgvaultException tookTooLong(String name, BlobClient dest, BlobCopyInfo info) {
        try {
            dest.abortCopyFromUrl(info.getCopyId());
        } catch (BlobStorageException ignored) {
            // it may have ended meanwhile
        }
        return new PgvaultException(ErrorKind.RESTORE_TARGET, "The server-side copy of " + name + " took too long.",
                "still " + info.getCopyStatus() + " after " + settings.copyTimeout(),
                "Raise PGVAULT_RESTORE_COPY_TIMEOUT and restore again with recoveryOption Overwrite.");
    }

    /**
     * Removes the copy's record from a restored blob: its {@code x-ms-copy-source} holds the source URL with
     * pgvault's read SAS. Setting the blob's properties (to the values it has) makes the service drop it.
     */
    private static void forgetCopySource(BlobClient dest) {
        BlobProperties p = dest.getProperties();
        if (p.getCopySource() == null) {
            return;
        }
        dest.setHttpHeaders(new BlobHttpHeaders().setContentType(p.getContentType())
                .setContentEncoding(p.getContentEncoding()).setContentLanguage(p.getContentLanguage())
                .setContentDisposition(p.getContentDisposition()).setCacheControl(p.getCacheControl())
                .setContentMd5(p.getContentMd5()));
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
