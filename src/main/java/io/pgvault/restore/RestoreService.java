package io.pgvault.restore;

import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.AccessTier;
import com.azure.storage.blob.models.BlobCopyInfo;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.CopyStatusType;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.models.UserDelegationKey;
import com.azure.storage.blob.options.BlobBeginCopyOptions;
import com.azure.storage.blob.options.BlobCopyFromUrlOptions;
import com.azure.storage.blob.options.BlobParallelUploadOptions;
import com.azure.storage.blob.sas.BlobSasPermission;
import com.azure.storage.blob.sas.BlobServiceSasSignatureValues;
import com.azure.core.util.BinaryData;
import io.pgvault.config.PgvaultConfig;
import io.pgvault.errors.ConfigurationException;
import io.pgvault.errors.ConflictException;
import io.pgvault.errors.IntegrityException;
import io.pgvault.errors.InvalidRequestException;
import io.pgvault.errors.MatrixRefusedException;
import io.pgvault.errors.NotFoundException;
import io.pgvault.errors.PgvaultException;
import io.pgvault.errors.Redactor;
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
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
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

    /**
     * Marker of a started restore, so an identical request joins it instead of starting a second copy;
     * {@code createdAt} tells a marker whose creator died from one whose job record is being written.
     */
    public record ActiveRestore(String restoreId, Instant createdAt) {
    }

    /** How long an identical request waits for the job record of a restore whose marker it found. */
    static final Duration JOIN_WAIT = Duration.ofSeconds(5);

    /** Validates the request and starts the copy in the background; returns at once. */
    public RestoreAccepted start(RestoreRequest request) {
        if (request == null) {
            throw new InvalidRequestException("The restore request has no body.", "(empty body)",
                    "POST JSON such as {\"server\":\"pg1\",\"backupId\":\"latest\",\"targetContainerUrl\":\"https://acct.blob.core.windows.net/restored\"}.");
        }
        String server = BackupLayout.checkServer(request.server());
        String option = recoveryOption(request.recoveryOption());
        String verify = verifyMode(); // a bad setting is refused now, not after the copy
        // No connection to the target before the guard accepted the URL and the SAS.
        TargetGuard.Target target = targets.check(request.targetContainerUrl());
        targets.guard().checkSas(target, OVERWRITE.equals(option), clock.instant());
        Manifest manifest = resolve(server, request.backupId());
        judge(request, manifest);
        String prefix = server + "/" + manifest.backupId() + "/";
        // The kit is made before anything is written: a roles.sql that cannot be read safely refuses the restore.
        Map<String, byte[]> kit = RestoreKit.files(manifest, rolesScript(manifest, prefix));

        String key = HexFormat.of().formatHex(sha256((server + "|" + manifest.backupId() + "|" + target.containerUrl()
                + "|" + option).getBytes(StandardCharsets.UTF_8))).substring(0, 24);
        String markerPath = server + "/.restores/" + key + ".json";
        String restoreId = "restore-" + UUID.randomUUID();
        // The marker is claimed before the target is touched, so concurrent identical requests cannot both
        // check (and see each other's files at) the target: one claims, the others join it.
        boolean claimed = false;
        for (int attempt = 0; attempt < 5 && !claimed; attempt++) {
            Optional<RestoreAccepted> running = join(server, markerPath);
            if (running.isPresent()) {
                return running.get();
            }
            try {
                vault.createJson(markerPath, new ActiveRestore(restoreId, clock.instant()));
                claimed = true;
            } catch (ConflictException raced) {
                // another request claimed it between our read and our create: join that one
            }
        }
        if (!claimed) {
            throw new ConflictException("An identical restore is starting at this moment.", "marker " + markerPath,
                    "Wait a minute and send the request again; it will return that restore's id.");
        }
        JobRecord job = jobs.start(restoreId, JobRecord.KIND_RESTORE, server, JobRecord.VALIDATING, manifest.backupId(),
                target.toString());
        try {
            checkTarget(targets.probeClient(target), target, prefix, option);
        } catch (PgvaultException e) {
            // Requests that joined this one see why it was refused.
            jobs.fail(job, JobRecord.REFUSED, e, null);
            deleteMarker(markerPath);
            throw e;
        } catch (RuntimeException e) {
            jobs.fail(job, JobRecord.REFUSED, new RestoreTargetException("The target could not be checked.",
                    e.getClass().getSimpleName(), "Retry; if it fails again, look at the function's log.", e), null);
            deleteMarker(markerPath);
            throw e;
        }
        job = job.withState(JobRecord.COPYING, clock.instant());
        jobs.save(job);
        JobRecord copying = job;
        BlobContainerClient targetContainer = targets.client(target);
        runner.submit(() -> copy(copying, manifest, kit, targetContainer, prefix, option, verify, markerPath));
        return accepted(job);
    }

    /** The status of a restore; a restore whose runner vanished is reported Interrupted, never Succeeded. */
    public JobRecord status(String server, String restoreId) {
        String s = server == null || server.isBlank() ? config.serverName() : server;
        JobRecord job = jobs.get(BackupLayout.checkServer(s), restoreId);
        if (!JobRecord.KIND_RESTORE.equals(job.kind())) {
            throw new NotFoundException("Job " + restoreId + " is not a restore.", "kind: " + job.kind(),
                    "Use the restoreId the restore request returned; GET /api/jobs lists every job.");
        }
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
        Instant waitUntil = clock.instant().plus(JOIN_WAIT);
        while (true) {
            var marker = vault.readJson(markerPath, ActiveRestore.class);
            if (marker.isEmpty()) {
                return Optional.empty();
            }
            ActiveRestore active = marker.get().value();
            Optional<JobRecord> job = jobs.find(server, active.restoreId()).map(j -> status(server, j.id()));
            if (job.isPresent() && !job.get().terminal()) {
                return Optional.of(accepted(job.get()));
            }
            boolean fresh = job.isEmpty() && active.createdAt() != null
                    && active.createdAt().isAfter(clock.instant().minus(STALE));
            if (!fresh) {
                // the marker of a restore that ended, or whose creator died: remove it if nobody else did
                try {
                    vault.blob(markerPath).deleteWithResponse(null,
                            new BlobRequestConditions().setIfMatch(marker.get().etag()), null, null);
                } catch (BlobStorageException ignored) {
                    // another request removed or replaced it
                }
                return Optional.empty();
            }
            // claimed a moment ago, its job record not written yet: wait for it (bounded)
            if (!clock.instant().isBefore(waitUntil)) {
                throw new ConflictException("An identical restore is starting at this moment.",
                        "marker " + markerPath + " of " + active.restoreId() + " has no job record yet",
                        "Wait a minute and send the request again; it will return that restore's id.");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private void deleteMarker(String markerPath) {
        try {
            vault.blob(markerPath).deleteIfExists();
        } catch (RuntimeException ignored) {
            // a stale marker is cleaned up by the next identical request
        }
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

    /** The backup's roles.sql as stored, checked against its manifest; null if the backup has none. */
    private byte[] rolesScript(Manifest manifest, String prefix) {
        Manifest.File roles = manifest.files().stream().filter(f -> RestoreKit.ROLES.equals(f.path())).findFirst()
                .orElse(null);
        if (roles == null) {
            return null;
        }
        byte[] content = vault.readBytes(prefix + roles.path());
        String sha = HexFormat.of().formatHex(sha256(content));
        if (content.length != roles.bytes() || !sha.equals(roles.sha256())) {
            throw new IntegrityException("roles.sql of backup " + manifest.backupId() + " does not match its manifest.",
                    "manifest: " + roles.bytes() + " bytes, sha256 " + roles.sha256() + "; vault: " + content.length
                            + " bytes, sha256 " + sha,
                    "The vault copy was changed or damaged after the backup; run bin/pgvault verify, and restore "
                            + "another backup.");
        }
        return content;
    }

    private void judge(RestoreRequest request, Manifest manifest) {
        List<String> archived = new ArrayList<>();
        for (Manifest.File f : manifest.files()) {
            var props = vault.backupFileProperties(manifest.server() + "/" + manifest.backupId() + "/" + f.path());
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

    /** Name prefix of the write probe (an uncommitted block blob; never a restored file). */
    static final String PROBE = ".pgvault-write-check-";
    /** Verification modes of {@code pgvault.restore.verify}. */
    public static final String VERIFY_SHA256 = "sha256";
    public static final String VERIFY_SIZE = "size";
    /** How often a long copy or read-back refreshes its job record, so it is not taken for a dead one. */
    static final Duration HEARTBEAT = Duration.ofSeconds(30);

    /** Reachable, writable, and (FailIfExists) empty at the prefix — before anything is written. */
    private void checkTarget(BlobContainerClient container, TargetGuard.Target target, String prefix, String option) {
        // No Get Container Properties (exists()): a container SAS does not authorize it. A missing container
        // shows up as ContainerNotFound on the listing or the probe.
        try {
            if (FAIL_IF_EXISTS.equals(option)) {
                List<String> found = new ArrayList<>();
                int seen = 0;
                for (var item : container.listBlobs(new ListBlobsOptions().setPrefix(prefix).setMaxResultsPerPage(50),
                        null)) {
                    if (++seen > 200 || found.size() >= 3) {
                        break;
                    }
                    if (!item.getName().startsWith(prefix + PROBE)) {
                        found.add(item.getName());
                    }
                }
                if (!found.isEmpty()) {
                    throw new ConflictException("The target already holds files at " + prefix + ".",
                            "target: " + target + ", recoveryOption FailIfExists; found " + String.join(", ", found)
                                    + (found.size() >= 3 ? ", …" : ""),
                            "These may be the files of an earlier restore of this backup (one that failed part way "
                                    + "leaves its copied files): restore into another container, remove them, or "
                                    + "pass recoveryOption Overwrite.");
                }
            }
            // The write probe stages one block under a new name and never commits it: the service checks the
            // write permission as for any write, yet no blob appears (listings skip uncommitted blobs, and the
            // service discards the block within a week), so a refused or later restore never trips over it and
            // no delete permission is needed.
            container.getBlobClient(prefix + PROBE + UUID.randomUUID()).getBlockBlobClient().stageBlock(
                    Base64.getEncoder().encodeToString("pgvault-probe-000".getBytes(
                            StandardCharsets.US_ASCII)),
                    BinaryData.fromString("pgvault checks that it may write here"));
        } catch (BlobStorageException e) {
            throw targetRefused(target, e);
        } catch (RuntimeException e) {
            if (e instanceof PgvaultException) {
                throw e;
            }
            throw new RestoreTargetException("The target container could not be reached.",
                    "target: " + target + "; " + e.getClass().getSimpleName(),
                    "Check the account name and that the account allows access from the function app's network.", e);
        }
    }

    private static RestoreTargetException targetRefused(TargetGuard.Target target, BlobStorageException e) {
        int s = e.getStatusCode();
        String code = String.valueOf(e.getErrorCode());
        String evidence = "target: " + target + "; " + s + " " + code;
        if (s == 404 && code.contains("ContainerNotFound")) {
            return new RestoreTargetException("The target container does not exist.", evidence,
                    "Create the container first (az storage container create, or bin/pgvault restore "
                            + "--create-container), then restore again.", e);
        }
        String why;
        if (s == 403 && code.contains("AuthenticationFailed")) {
            why = "the SAS is expired, not yet valid, or not signed for this account";
        } else if (s == 403 && code.contains("AuthorizationPermissionMismatch")) {
            why = "the SAS (or its stored access policy, or the identity's role) does not grant the permissions "
                    + "the restore needs";
        } else if (s == 403 && code.contains("AuthorizationFailure")) {
            // Azure's answer to network rules; Azurite's to any SAS it refuses (expired policy, bad signature).
            why = "the SAS was not accepted (expired, or not signed for this account), or the account's network "
                    + "rules refuse pgvault";
        } else if (s == 403) {
            why = "the credential may not write here";
        } else if (s == 404) {
            why = "the container or account does not exist";
        } else {
            why = "status " + s;
        }
        return new RestoreTargetException("pgvault cannot write to the target container: " + why + ".", evidence,
                "Give a SAS with read, create, write and list permissions (sp=rcwl) that is valid for the whole "
                        + "restore, or grant the app's identity 'Storage Blob Data Contributor' on the target account.", e);
    }

    /** The job record of a running copy, refreshed at least every {@link #HEARTBEAT}. */
    private final class Run {
        JobRecord job;
        Instant saved;

        Run(JobRecord job) {
            this.job = job;
            this.saved = clock.instant();
        }

        void save(JobRecord updated) {
            job = updated;
            jobs.save(job);
            saved = clock.instant();
        }

        /** Saves the record again if it was not saved for a while (a long copy of one file). */
        void beat() {
            if (clock.instant().isAfter(saved.plus(HEARTBEAT))) {
                save(job.withProgress(job.bytes(), job.filesDone(), job.filesTotal(), job.progress(), clock.instant()));
            }
        }
    }

    private void copy(JobRecord start, Manifest manifest, Map<String, byte[]> kit, BlobContainerClient target,
            String prefix, String option, String verifyMode, String markerPath) {
        Run run = new Run(start);
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
                try {
                    copyOne(source, sas.urlFor(source, f.bytes()), target.getBlobClient(prefix + f.path()), f.bytes(),
                            dest, run);
                } catch (RuntimeException e) {
                    vault.backupFileProperties(prefix + f.path()); // a source that vanished: named as such
                    throw e;
                }
                bytes += f.bytes();
                double secs = Math.max(1e-3, (System.nanoTime() - t0) / 1e9);
                done.add(new JobRecord.Progress(f.path(), JobRecord.SUCCEEDED, f.bytes(),
                        Math.round(f.bytes() / 1e6 / secs * 10) / 10.0));
                run.save(run.job.withProgress(bytes, done.size(), files.size(), done, clock.instant()));
            }
            BlobClient manifestCopy = target.getBlobClient(prefix + BackupLayout.MANIFEST);
            BlobClient manifestSource = vault.blob(prefix + BackupLayout.MANIFEST);
            copyOne(manifestSource, sas.urlFor(manifestSource, -1), manifestCopy, -1, dest, run);
            for (Map.Entry<String, byte[]> file : kit.entrySet()) {
                target.getBlobClient(prefix + file.getKey()).uploadWithResponse(
                        new BlobParallelUploadOptions(BinaryData.fromBytes(file.getValue()))
                                .setRequestConditions(dest), null, null);
            }
            long t0 = System.nanoTime();
            long readBack = verify(manifest, target, prefix, run, VERIFY_SHA256.equals(verifyMode));
            run.save(run.job.withState(JobRecord.SUCCEEDED, clock.instant()));
            LOG.infof("Restore %s of backup %s finished: %d files, %d bytes copied server-side; verified (%s) with "
                    + "%d bytes read back in %.1fs", run.job.id(), manifest.backupId(), files.size(), bytes,
                    verifyMode, readBack, (System.nanoTime() - t0) / 1e9);
        } catch (PgvaultException e) {
            jobs.fail(run.job, JobRecord.FAILED, e, null);
        } catch (BlobStorageException e) {
            jobs.fail(run.job, JobRecord.FAILED, new RestoreTargetException("A server-side copy failed.",
                    "status " + e.getStatusCode() + " " + e.getErrorCode(),
                    e.getStatusCode() == 409 || e.getStatusCode() == 412
                            ? "A file already exists at the target: use recoveryOption Overwrite or another container."
                            : e.getStatusCode() == 403 ? "The target SAS expired or lost its permissions during the "
                                    + "copy; give one valid for longer and restore again with Overwrite."
                                    : "Check both storage accounts and restore again with recoveryOption Overwrite.", e), null);
        } catch (RuntimeException e) {
            LOG.errorf("Restore %s failed: %s", run.job.id(), Redactor.redact(String.valueOf(e.getMessage())));
            Throwable root = PgvaultException.rootCause(e);
            jobs.fail(run.job, JobRecord.FAILED, new RestoreTargetException("The restore failed unexpectedly.",
                    root.getClass().getSimpleName() + ": " + Redactor.redact(String.valueOf(
                            root.getMessage())), "Restore again with recoveryOption Overwrite; if it fails again, "
                            + "look at the function's log.", e), null);
        } finally {
            deleteMarker(markerPath);
        }
    }

    /** One server-side copy: synchronous Copy Blob From URL up to its size cap, asynchronous Copy Blob above. */
    private void copyOne(BlobClient source, String sourceUrl, BlobClient dest, long bytes, BlobRequestConditions cond,
            Run run) {
        if (syncCopy(bytes)) {
            dest.copyFromUrlWithResponse(new BlobCopyFromUrlOptions(sourceUrl).setDestinationRequestConditions(cond),
                    Duration.ofMinutes(10), null);
            forgetCopySource(dest);
            return;
        }
        LOG.debugf("Copying %s (%d bytes) with asynchronous Copy Blob", source.getBlobName(), bytes);
        var poller = dest.beginCopy(new BlobBeginCopyOptions(sourceUrl).setDestinationRequestConditions(cond)
                .setPollInterval(Duration.ofSeconds(1)));
        Instant deadline = clock.instant().plus(config.restore().copyTimeout());
        var response = poller.poll();
        // The service copies on its own; we only watch it, bounded by copy-timeout, and keep the job record fresh.
        while (!response.getStatus().isComplete()) {
            if (clock.instant().isAfter(deadline)) {
                BlobCopyInfo info = response.getValue();
                try {
                    dest.abortCopyFromUrl(info.getCopyId());
                } catch (BlobStorageException ignored) {
                    // it may have ended meanwhile
                }
                throw new RestoreTargetException("The server-side copy of " + source.getBlobName() + " took too long.",
                        "still " + info.getCopyStatus() + " after " + config.restore().copyTimeout(),
                        "Raise PGVAULT_RESTORE_COPY_TIMEOUT and restore again with recoveryOption Overwrite.");
            }
            run.beat();
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            response = poller.poll();
        }
        BlobCopyInfo info = response.getValue();
        if (info.getCopyStatus() != CopyStatusType.SUCCESS) {
            throw new RestoreTargetException("The server-side copy of " + source.getBlobName() + " did not succeed.",
                    "copy status " + info.getCopyStatus() + ": " + info.getError(),
                    "Check that the source backup still exists and restore again with recoveryOption Overwrite.");
        }
        forgetCopySource(dest);
    }

    /** Whether a file goes by the synchronous Copy Blob From URL (size known and within its cap). */
    private boolean syncCopy(long bytes) {
        return bytes >= 0 && bytes <= config.restore().syncCopyMaxBytes();
    }

    private String verifyMode() {
        String mode = config.restore().verify().trim().toLowerCase(Locale.ROOT);
        if (!mode.equals(VERIFY_SHA256) && !mode.equals(VERIFY_SIZE)) {
            throw new ConfigurationException("PGVAULT_RESTORE_VERIFY has an unknown value.",
                    "PGVAULT_RESTORE_VERIFY=" + BackupLayout.printable(mode), "Use sha256 (the default) or size.");
        }
        return mode;
    }

    /**
     * Checks every restored file against the manifest: {@code sha256} reads each one back and compares size and
     * SHA-256; {@code size} compares the size and the Content-MD5 the service stores (the copy keeps the
     * vault blob's) without reading. Returns the bytes read back.
     */
    private long verify(Manifest manifest, BlobContainerClient target, String prefix, Run run, boolean readBack) {
        long total = 0;
        for (Manifest.File f : manifest.files()) {
            BlobClient restored = target.getBlobClient(prefix + f.path());
            String got;
            long n;
            if (readBack) {
                MessageDigest sha = newSha256();
                n = 0;
                try (InputStream in = restored.openInputStream()) {
                    byte[] buf = new byte[1 << 20];
                    int r;
                    while ((r = in.read(buf)) >= 0) {
                        sha.update(buf, 0, r);
                        n += r;
                        run.beat();
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                total += n;
                got = HexFormat.of().formatHex(sha.digest());
                if (n == f.bytes() && got.equals(f.sha256())) {
                    continue;
                }
                got = n + " bytes, sha256 " + got;
            } else {
                var props = restored.getProperties();
                n = props.getBlobSize();
                String md5 = props.getContentMd5() == null ? null : Base64.getEncoder().encodeToString(
                        props.getContentMd5());
                if (n == f.bytes() && (md5 == null || f.md5() == null || md5.equals(f.md5()))) {
                    continue;
                }
                got = n + " bytes, Content-MD5 " + md5;
            }
            throw new IntegrityException("Restored file " + f.path() + " does not match the backup's manifest.",
                    "manifest: " + f.bytes() + " bytes, sha256 " + f.sha256() + (readBack ? "" : ", md5 " + f.md5())
                            + "; restored: " + got,
                    "The vault copy was changed or damaged after the backup; run bin/pgvault verify, and restore "
                            + "another backup.");
        }
        return total;
    }

    /**
     * Read-only SAS on one vault blob at a time: a service SAS locally, a user-delegation SAS with managed
     * identity. It lives as long as the copy it serves may take (an asynchronous copy reads the source until
     * it ends), plus a margin.
     */
    private final class SourceSas {
        private UserDelegationKey delegationKey;
        private OffsetDateTime keyExpiry;

        String urlFor(BlobClient blob, long bytes) {
            // a long asynchronous copy reads its source until it ends; the rest (the manifest too) end at once
            boolean longCopy = bytes > config.restore().syncCopyMaxBytes();
            Duration life = (longCopy ? config.restore().copyTimeout() : Duration.ofMinutes(10)).plusMinutes(15);
            OffsetDateTime expiry = OffsetDateTime.now().plus(life);
            var values = new BlobServiceSasSignatureValues(expiry, new BlobSasPermission().setReadPermission(true));
            if (clients.sharedKey().isPresent()) {
                return blob.getBlobUrl() + "?" + blob.generateSas(values);
            }
            if (delegationKey == null || keyExpiry.isBefore(expiry)) {
                keyExpiry = expiry.plusHours(1);
                delegationKey = clients.service().getUserDelegationKey(OffsetDateTime.now().minusMinutes(5), keyExpiry);
            }
            return blob.getBlobUrl() + "?" + blob.generateUserDelegationSas(values, delegationKey);
        }
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
