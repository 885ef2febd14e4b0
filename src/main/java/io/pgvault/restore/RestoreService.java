package io.pgvault.restore;

import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.AccessTier;
import com.azure.storage.blob.models.BlobCopyInfo;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.CopyStatusType;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.models.UserDelegationKey;
import com.azure.storage.blob.options.BlobBeginCopyOptions;
import com.azure.storage.blob.options.BlobCopyFromUrlOptions;
import com.azure.storage.blob.sas.BlobSasPermission;
import com.azure.storage.blob.sas.BlobServiceSasSignatureValues;
import com.azure.core.util.BinaryData;
import io.pgvault.config.PgvaultConfig;
import io.pgvault.errors.ConflictException;
import io.pgvault.errors.IntegrityException;
import io.pgvault.errors.InvalidRequestException;
import io.pgvault.errors.MatrixRefusedException;
import io.pgvault.errors.NotFoundException;
import io.pgvault.errors.PgvaultException;
import io.pgvault.errors.RestoreTargetException;
import io.pgvault.jobs.JobRecord;
import io.pgvault.jobs.JobStore;
import io.pgvault.matrix.MatrixPolicy;
import io.pgvault.matrix.Placement;
import io.pgvault.matrix.RestoreFacts;
import io.pgvault.matrix.SupportMatrix;
import io.pgvault.matrix.Verdict;
import io.pgvault.vault.BackupLayout;
import io.pgvault.vault.Manifest;
import io.pgvault.vault.VaultClients;
import io.pgvault.vault.VaultStore;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Restores a backup as files into a user's container: validate everything → answer with a restore id →
 * copy each file server-side (no backup byte passes through pgvault) → add the restore kit → check every
 * copied file against the manifest's SHA-256 → Succeeded. State lives in a job record in the vault.
 */
@ApplicationScoped
public class RestoreService {

    private static final Logger LOG = Logger.getLogger(RestoreService.class);
    public static final String FAIL_IF_EXISTS = "FailIfExists";
    public static final String OVERWRITE = "Overwrite";
    /** A non-terminal restore whose record was not touched for this long has lost its runner. */
    static final Duration STALE = Duration.ofMinutes(10);

    private final PgvaultConfig config;
    private final VaultStore vault;
    private final VaultClients clients;
    private final JobStore jobs;
    private final Clock clock;
    private final TargetClients targets;
    private final ExecutorService runner = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "pgvault-restore");
        t.setDaemon(true);
        return t;
    });

    public RestoreService(PgvaultConfig config, VaultStore vault, VaultClients clients, TargetClients targets,
            JobStore jobs, Clock clock) {
        this.config = config;
        this.vault = vault;
        this.clients = clients;
        this.jobs = jobs;
        this.clock = clock;
        this.targets = targets;
    }

    /** Marker of a running restore, so an identical request joins it instead of starting a second copy. */
    public record ActiveRestore(String restoreId) {
    }

    /** Validates the request and starts the copy in the background; returns at once. */
    public RestoreAccepted start(RestoreRequest request) {
        if (request == null) {
            throw new InvalidRequestException("The restore request has no body.", "(empty body)",
                    "POST JSON such as {\"server\":\"pg1\",\"backupId\":\"latest\",\"targetContainerUrl\":\"https://acct.blob.core.windows.net/restored\"}.");
        }
        String server = BackupLayout.checkServer(request.server());
        String option = recoveryOption(request.recoveryOption());
        TargetGuard.Target target = targets.check(request.targetContainerUrl());
        Manifest manifest = resolve(server, request.backupId());
        judge(request, manifest);
        BlobContainerClient targetContainer = targets.client(target);
        String prefix = server + "/" + manifest.backupId() + "/";

        String key = HexFormat.of().formatHex(sha256((server + "|" + manifest.backupId() + "|" + target.containerUrl()
                + "|" + option).getBytes(java.nio.charset.StandardCharsets.UTF_8))).substring(0, 24);
        String markerPath = server + "/.restores/" + key + ".json";
        Optional<RestoreAccepted> running = join(server, markerPath);
        if (running.isPresent()) {
            return running.get();
        }
        checkTarget(targetContainer, target, prefix, option);
        String restoreId = "restore-" + UUID.randomUUID();
        try {
            vault.createJson(markerPath, new ActiveRestore(restoreId));
        } catch (ConflictException raced) {
            return join(server, markerPath).orElseThrow(() -> raced);
        }
        JobRecord job = jobs.start(restoreId, JobRecord.KIND_RESTORE, server, JobRecord.COPYING, manifest.backupId(),
                target.toString());
        runner.submit(() -> copy(job, manifest, targetContainer, prefix, option, markerPath));
        return accepted(job);
    }

    /** The status of a restore; a restore whose runner vanished is reported Interrupted, never Succeeded. */
    public JobRecord status(String server, String restoreId) {
        JobRecord job = jobs.get(BackupLayout.checkServer(server), restoreId);
        if (!job.terminal() && job.updatedAt() != null && job.updatedAt().isBefore(clock.instant().minus(STALE))) {
            return job.failed(JobRecord.INTERRUPTED, new JobRecord.Failure("interrupted",
                    "The restore stopped making progress at " + job.updatedAt() + " (its function instance ended)."
                            + "\nHINT: POST the same restore again with recoveryOption Overwrite to resume it."),
                    null, clock.instant());
        }
        return job;
    }

    /** Waits for a restore to end (the CLI's way); bounded by {@code timeout}. */
    public JobRecord await(String server, String restoreId, Duration timeout) throws InterruptedException {
        Instant end = clock.instant().plus(timeout);
        JobRecord job = status(server, restoreId);
        while (!job.terminal() && clock.instant().isBefore(end)) {
            Thread.sleep(500);
            job = status(server, restoreId);
        }
        return job;
    }

    private Optional<RestoreAccepted> join(String server, String markerPath) {
        var marker = vault.readJson(markerPath, ActiveRestore.class);
        if (marker.isEmpty()) {
            return Optional.empty();
        }
        Optional<JobRecord> job = jobs.find(server, marker.get().value().restoreId()).map(j -> status(server, j.id()));
        if (job.isPresent() && !job.get().terminal()) {
            return Optional.of(accepted(job.get()));
        }
        // the marker of a restore that ended (or died): remove it if nobody else did
        try {
            vault.blob(markerPath).deleteWithResponse(null,
                    new BlobRequestConditions().setIfMatch(marker.get().etag()), null, null);
        } catch (BlobStorageException ignored) {
            // another request removed or replaced it
        }
        return Optional.empty();
    }

    private RestoreAccepted accepted(JobRecord job) {
        return new RestoreAccepted(job.id(), job.state(), "/api/restoreStatus?server=" + job.server() + "&id=" + job.id(),
                job.server(), job.backupId(), job.target());
    }

    private static String recoveryOption(String option) {
        if (option == null || option.isBlank() || option.equalsIgnoreCase(FAIL_IF_EXISTS)) {
            return FAIL_IF_EXISTS;
        }
        if (option.equalsIgnoreCase(OVERWRITE)) {
            return OVERWRITE;
        }
        throw new InvalidRequestException("recoveryOption has an unknown value.",
                "recoveryOption: " + BackupLayout.printable(option),
                "Use FailIfExists (the default: nothing at the target is replaced) or Overwrite.");
    }

    /** The manifest of the named backup, or of the newest committed one for "latest". */
    public Manifest resolve(String server, String backupId) {
        if (backupId == null || backupId.isBlank() || "latest".equalsIgnoreCase(backupId)) {
            return vault.catalog(server).stream().findFirst().orElseThrow(() -> new NotFoundException(
                    "Server " + server + " has no committed backup in the vault.",
                    "container " + config.vault().container() + ", prefix " + server + "/",
                    "Check the server name (GET /api/backups?server=...), or run a backup first (bin/pgvault backup)."));
        }
        return vault.manifest(server, BackupLayout.checkBackupId(backupId)).orElseThrow(() -> new NotFoundException(
                "Backup " + backupId + " of server " + server + " does not exist (no manifest).",
                "looked for " + BackupLayout.manifestPath(server, backupId),
                "Pick an id from the catalog: GET /api/backups?server=" + server + " or bin/pgvault list."));
    }

    private void judge(RestoreRequest request, Manifest manifest) {
        List<String> archived = new ArrayList<>();
        for (Manifest.File f : manifest.files()) {
            var props = vault.blob(manifest.server() + "/" + manifest.backupId() + "/" + f.path()).getProperties();
            if (AccessTier.ARCHIVE.equals(props.getAccessTier())) {
                archived.add(f.path());
            }
        }
        PgvaultConfig.Vault v = config.vault();
        Placement vaultPlacement = new Placement(v.tenantId().orElse(null), v.subscriptionId().orElse(null),
                v.region().orElse(null));
        Placement targetPlacement = new Placement(
                Optional.ofNullable(request.targetTenantId()).or(() -> config.restore().targetTenantId()).orElse(null),
                null, Optional.ofNullable(request.targetRegion()).or(() -> config.restore().targetRegion()).orElse(null));
        Verdict verdict = new SupportMatrix(new MatrixPolicy(config.matrix().maxServerSizeBytes(),
                config.matrix().maxByteaBytes())).judgeRestore(new RestoreFacts(manifest.backupId(),
                request.databases() == null ? List.of() : request.databases(), vaultPlacement, targetPlacement, archived));
        if (!verdict.allowed()) {
            throw new MatrixRefusedException("Restore of backup " + manifest.backupId(), verdict);
        }
    }

    /** Reachable, writable, and (FailIfExists) empty at the prefix — before anything is written. */
    private void checkTarget(BlobContainerClient container, TargetGuard.Target target, String prefix, String option) {
        try {
            if (!container.exists()) {
                throw new RestoreTargetException("The target container does not exist.", "target: " + target,
                        "Create the container first (az storage container create), then restore again.");
            }
            if (FAIL_IF_EXISTS.equals(option)
                    && container.listBlobs(new ListBlobsOptions().setPrefix(prefix).setMaxResultsPerPage(1), null)
                            .iterator().hasNext()) {
                throw new ConflictException("The target already holds files at " + prefix + ".",
                        "target: " + target + ", recoveryOption FailIfExists",
                        "Restore into another container, remove those files, or pass recoveryOption Overwrite.");
            }
            BlobClient probe = container.getBlobClient(prefix + ".pgvault-write-check-" + UUID.randomUUID());
            probe.upload(BinaryData.fromString("pgvault checks that it may write here"), false);
            probe.delete();
        } catch (BlobStorageException e) {
            int s = e.getStatusCode();
            String why = s == 403 ? (String.valueOf(e.getMessage()).contains("expire") || "AuthenticationFailed".equals(
                    String.valueOf(e.getErrorCode())) ? "the SAS is expired, malformed or not for this account"
                            : "the credential may not write here")
                    : s == 404 ? "the container or account does not exist" : "status " + s;
            throw new RestoreTargetException("pgvault cannot write to the target container.",
                    "target: " + target + "; " + why + " (" + s + " " + e.getErrorCode() + ")",
                    "Give a SAS with read, write, create and list permissions that is valid for the whole restore, "
                            + "or grant the app's identity 'Storage Blob Data Contributor' on the target account.", e);
        } catch (RuntimeException e) {
            if (e instanceof PgvaultException) {
                throw e;
            }
            throw new RestoreTargetException("The target container could not be reached.",
                    "target: " + target + "; " + e.getClass().getSimpleName(),
                    "Check the account name and that the account allows access from the function app's network.", e);
        }
    }

    private void copy(JobRecord start, Manifest manifest, BlobContainerClient target, String prefix, String option,
            String markerPath) {
        JobRecord job = start;
        try {
            BlobRequestConditions dest = FAIL_IF_EXISTS.equals(option)
                    ? new BlobRequestConditions().setIfNoneMatch("*") : new BlobRequestConditions();
            List<Manifest.File> files = manifest.files();
            List<JobRecord.Progress> done = new ArrayList<>();
            long bytes = 0;
            SourceSas sas = new SourceSas();
            for (Manifest.File f : files) {
                long t0 = System.nanoTime();
                BlobClient source = vault.blob(prefix + f.path());
                copyOne(source, sas.urlFor(source), target.getBlobClient(prefix + f.path()), f.bytes(), dest);
                bytes += f.bytes();
                double secs = Math.max(1e-3, (System.nanoTime() - t0) / 1e9);
                done.add(new JobRecord.Progress(f.path(), JobRecord.SUCCEEDED, f.bytes(),
                        Math.round(f.bytes() / 1e6 / secs * 10) / 10.0));
                job = job.withProgress(bytes, done.size(), files.size(), done, clock.instant());
                jobs.save(job);
            }
            BlobClient manifestCopy = target.getBlobClient(prefix + BackupLayout.MANIFEST);
            BlobClient manifestSource = vault.blob(prefix + BackupLayout.MANIFEST);
            copyOne(manifestSource, sas.urlFor(manifestSource), manifestCopy, -1, dest);
            for (Map.Entry<String, String> kit : RestoreKit.files(manifest).entrySet()) {
                target.getBlobClient(prefix + kit.getKey()).uploadWithResponse(
                        new com.azure.storage.blob.options.BlobParallelUploadOptions(BinaryData.fromString(kit.getValue()))
                                .setRequestConditions(dest), null, null);
            }
            verify(manifest, target, prefix);
            job = job.withState(JobRecord.SUCCEEDED, clock.instant());
            jobs.save(job);
            LOG.infof("Restore %s of backup %s finished: %d files, %d bytes", job.id(), manifest.backupId(),
                    files.size(), bytes);
        } catch (PgvaultException e) {
            jobs.fail(job, JobRecord.FAILED, e, null);
        } catch (BlobStorageException e) {
            jobs.fail(job, JobRecord.FAILED, new RestoreTargetException("A server-side copy failed.",
                    "status " + e.getStatusCode() + " " + e.getErrorCode(),
                    e.getStatusCode() == 409 || e.getStatusCode() == 412
                            ? "A file already exists at the target: use recoveryOption Overwrite or another container."
                            : e.getStatusCode() == 403 ? "The target SAS expired or lost its permissions during the "
                                    + "copy; give one valid for longer and restore again with Overwrite."
                                    : "Check both storage accounts and restore again with recoveryOption Overwrite.", e), null);
        } catch (RuntimeException e) {
            LOG.errorf("Restore %s failed: %s", job.id(), io.pgvault.errors.Redactor.redact(String.valueOf(e.getMessage())));
            jobs.fail(job, JobRecord.FAILED, new RestoreTargetException("The restore failed unexpectedly.",
                    e.getClass().getSimpleName(), "Restore again with recoveryOption Overwrite; if it fails again, "
                            + "look at the function's log.", e), null);
        } finally {
            try {
                vault.blob(markerPath).deleteIfExists();
            } catch (RuntimeException ignored) {
                // a stale marker is cleaned up by the next identical request
            }
        }
    }

    /** One server-side copy: synchronous Copy Blob From URL up to its size cap, asynchronous Copy Blob above. */
    private void copyOne(BlobClient source, String sourceUrl, BlobClient dest, long bytes, BlobRequestConditions cond) {
        if (bytes >= 0 && bytes <= config.restore().syncCopyMaxBytes()) {
            dest.copyFromUrlWithResponse(new BlobCopyFromUrlOptions(sourceUrl).setDestinationRequestConditions(cond),
                    Duration.ofMinutes(10), null);
            return;
        }
        var poller = dest.beginCopy(new BlobBeginCopyOptions(sourceUrl).setDestinationRequestConditions(cond)
                .setPollInterval(Duration.ofSeconds(1)));
        var response = poller.waitForCompletion(config.restore().copyTimeout());
        BlobCopyInfo info = response.getValue();
        if (info.getCopyStatus() != CopyStatusType.SUCCESS) {
            throw new RestoreTargetException("The server-side copy of " + source.getBlobName() + " did not succeed.",
                    "copy status " + info.getCopyStatus() + ": " + info.getError(),
                    "Check that the source backup still exists and restore again with recoveryOption Overwrite.");
        }
    }

    /** Reads every restored file back and checks its size and SHA-256 against the manifest. */
    private void verify(Manifest manifest, BlobContainerClient target, String prefix) {
        for (Manifest.File f : manifest.files()) {
            MessageDigest sha = newSha256();
            long n = 0;
            try (InputStream in = target.getBlobClient(prefix + f.path()).openInputStream()) {
                byte[] buf = new byte[1 << 20];
                int r;
                while ((r = in.read(buf)) >= 0) {
                    sha.update(buf, 0, r);
                    n += r;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            String got = HexFormat.of().formatHex(sha.digest());
            if (n != f.bytes() || !got.equals(f.sha256())) {
                throw new IntegrityException("Restored file " + f.path() + " does not match the backup's manifest.",
                        "manifest: " + f.bytes() + " bytes, sha256 " + f.sha256() + "; restored: " + n + " bytes, sha256 " + got,
                        "The vault copy was changed or damaged after the backup; run bin/pgvault verify and restore "
                                + "another backup.");
            }
        }
    }

    /** Short-lived read SAS on vault blobs: a service SAS locally, a user-delegation SAS with managed identity. */
    private final class SourceSas {
        private UserDelegationKey delegationKey;

        String urlFor(BlobClient blob) {
            OffsetDateTime expiry = OffsetDateTime.now().plusHours(2);
            var values = new BlobServiceSasSignatureValues(expiry, new BlobSasPermission().setReadPermission(true));
            if (clients.sharedKey().isPresent()) {
                return blob.getBlobUrl() + "?" + blob.generateSas(values);
            }
            if (delegationKey == null) {
                delegationKey = clients.service().getUserDelegationKey(OffsetDateTime.now().minusMinutes(5), expiry);
            }
            return blob.getBlobUrl() + "?" + blob.generateUserDelegationSas(values, delegationKey);
        }
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] sha256(byte[] data) {
        return newSha256().digest(data);
    }
}
