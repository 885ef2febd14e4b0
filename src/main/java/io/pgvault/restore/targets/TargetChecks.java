package io.pgvault.restore.targets;

import io.pgvault.errors.ErrorKind;
import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.ListBlobsOptions;
import io.pgvault.errors.PgvaultException;
import io.pgvault.restore.TargetGuard;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * Checks a restore target while the HTTP request waits, before anything is written: reachable, writable
 * (the write probe), and with FailIfExists empty at the backup's prefix. Each refusal names its reason.
 */
@ApplicationScoped
public class TargetChecks {

    /** Name prefix of the write probe (an uncommitted block blob; never a restored file). */
    public static final String PROBE = ".pgvault-write-check-";

    private final TargetClients targets;

    public TargetChecks(TargetClients targets) {
        this.targets = targets;
    }

    /** Reachable, writable, and ({@code failIfExists}) empty at the prefix — or a RestoreTarget/PgvaultException. */
    public void check(TargetGuard.Target target, String prefix, boolean failIfExists) {
        BlobContainerClient container = targets.probeClient(target);
        // No Get Container Properties (exists()): a container SAS does not authorize it. A missing container
        // shows up as ContainerNotFound on the listing or the probe.
        try {
            if (failIfExists) {
                requireNothingAt(container, target, prefix);
            }
            probeWrite(container, prefix);
        } catch (BlobStorageException e) {
            throw refused(target, e);
        } catch (RuntimeException e) {
            if (e instanceof PgvaultException) {
                throw e;
            }
            throw new PgvaultException(ErrorKind.RESTORE_TARGET, "The target container could not be reached.",
                    "target: " + target + "; " + e.getClass().getSimpleName(),
                    "Check the account name and that the account allows access from the function app's network.", e);
        }
    }

    /** FailIfExists: no file (other than write probes) at the prefix; names up to three that are there. */
    private static void requireNothingAt(BlobContainerClient container, TargetGuard.Target target, String prefix) {
        List<String> found = new ArrayList<>();
        int seen = 0;
        for (var item : container.listBlobs(new ListBlobsOptions().setPrefix(prefix).setMaxResultsPerPage(50), null)) {
            if (++seen > 200 || found.size() >= 3) {
                break;
            }
            if (!item.getName().startsWith(prefix + PROBE)) {
                found.add(item.getName());
            }
        }
        if (!found.isEmpty()) {
            throw new PgvaultException(ErrorKind.CONFLICT, "The target already holds files at " + prefix + ".",
                    "target: " + target + ", recoveryOption FailIfExists; found " + String.join(", ", found)
                            + (found.size() >= 3 ? ", …" : ""),
                    "These may be the files of an earlier restore of this backup (one that failed part way "
                            + "leaves its copied files): restore into another container, remove them, or "
                            + "pass recoveryOption Overwrite.");
        }
    }

    /**
     * The write probe stages one block under a new name and never commits it: the service checks the write
     * permission as for any write, yet no blob appears (listings skip uncommitted blobs, and the service discards
     * the block within a week), so a refused or later restore never trips over it and no delete permission is needed.
     */
    private static void probeWrite(BlobContainerClient container, String prefix) {
        container.getBlobClient(prefix + PROBE + UUID.randomUUID()).getBlockBlobClient().stageBlock(
                Base64.getEncoder().encodeToString("pgvault-probe-000".getBytes(StandardCharsets.US_ASCII)),
                BinaryData.fromString("pgvault checks that it may write here"));
    }

    private static PgvaultException refused(TargetGuard.Target target, BlobStorageException e) {
        int s = e.getStatusCode();
        String code = String.valueOf(e.getErrorCode());
        String evidence = "target: " + target + "; " + s + " " + code;
        if (s == 404 && code.contains("ContainerNotFound")) {
            return new PgvaultException(ErrorKind.RESTORE_TARGET, "The target container does not exist.", evidence,
                    "Create the container first (az storage container create, or bin/pgvault restore "
                            + "--create-container), then restore again.", e);
        }
        return new PgvaultException(ErrorKind.RESTORE_TARGET, "pgvault cannot write to the target container: " + why(s, code) + ".",
                evidence, "Give a SAS with read, create, write and list permissions (sp=rcwl) that is valid for the "
                        + "whole restore, or grant the app's identity 'Storage Blob Data Contributor' on the target "
                        + "account.", e);
    }

    /** Why the service refused, from its status and error code. */
    private static String why(int s, String code) {
        if (s == 403 && code.contains("AuthenticationFailed")) {
            return "the SAS is expired, not yet valid, or not signed for this account";
        } else if (s == 403 && code.contains("AuthorizationPermissionMismatch")) {
            return "the SAS (or its stored access policy, or the identity's role) does not grant the permissions "
                    + "the restore needs";
        } else if (s == 403 && code.contains("AuthorizationFailure")) {
            // Azure's answer to network rules; Azurite's to any SAS it refuses (expired policy, bad signature).
            return "the SAS was not accepted (expired, or not signed for this account), or the account's network "
                    + "rules refuse pgvault";
        } else if (s == 403) {
            return "the credential may not write here";
        } else if (s == 404) {
            return "the container or account does not exist";
        }
        return "status " + s;
    }
}
