package io.pgvault.restore;

import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import io.pgvault.config.PgvaultConfig;
import io.pgvault.config.Settings;
import io.pgvault.errors.MatrixRefusedException;
import io.pgvault.matrix.MatrixPolicy;
import io.pgvault.matrix.Placement;
import io.pgvault.matrix.RestoreFacts;
import io.pgvault.matrix.SupportMatrix;
import io.pgvault.matrix.Verdict;
import io.pgvault.restore.targets.TargetClients;
import io.pgvault.vault.BackupLayout;
import io.pgvault.vault.Manifest;
import io.pgvault.vault.VaultStore;
import jakarta.enterprise.context.ApplicationScoped;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The checks of a restore request made before any connection to the target and before anything is written:
 * the request's values, the target URL and its SAS ({@link TargetClients#check}), the backup (its manifest, its
 * files' tiers, the support matrix), and the restore kit (a roles.sql that cannot be read safely refuses it).
 */
@ApplicationScoped
public class RestoreChecks {

    private final PgvaultConfig config;
    private final VaultStore vault;
    private final TargetClients targets;
    private final Clock clock;

    public RestoreChecks(PgvaultConfig config, VaultStore vault, TargetClients targets, Clock clock) {
        this.config = config;
        this.vault = vault;
        this.targets = targets;
        this.clock = clock;
    }

    /** Checks a request in this order and returns what the restore will do; throws the first refusal. */
    RestorePlan plan(RestoreRequest request) {
        if (request == null) {
            throw new PgvaultException(ErrorKind.INVALID_REQUEST, "The restore request has no body.", "(empty body)",
                    "POST JSON such as {\"server\":\"pg1\",\"backupId\":\"latest\",\"targetContainerUrl\":\"https://acct.blob.core.windows.net/restored\"}.");
        }
        String server = BackupLayout.checkServer(request.server());
        String option = recoveryOption(request.recoveryOption());
        String verify = verifyMode(); // a bad setting is refused now, not after the copy
        // No connection to the target before the guard accepted the URL and the SAS.
        TargetGuard.Target target = targets.check(request.targetContainerUrl());
        targets.guard().checkSas(target, RestoreService.OVERWRITE.equals(option), clock.instant());
        Manifest manifest = resolve(server, request.backupId());
        judge(request, manifest);
        String prefix = server + "/" + manifest.backupId() + "/";
        // The kit is made before anything is written: a roles.sql that cannot be read safely refuses the restore.
        return new RestorePlan(server, manifest, target, option, verify,
                RestoreKit.files(manifest, rolesScript(manifest, prefix)));
    }

    /** The manifest of the named backup, or of the newest committed one for "latest". */
    public Manifest resolve(String server, String backupId) {
        if (backupId == null || backupId.isBlank() || "latest".equalsIgnoreCase(backupId)) {
            return vault.catalog(server).stream().findFirst().orElseThrow(() -> new PgvaultException(ErrorKind.NOT_FOUND, 
                    "Server " + server + " has no committed backup in the vault.",
                    "container " + config.vault().container() + ", prefix " + server + "/",
                    "Check the server name (GET /api/backups?server=...), or run a backup first (bin/pgvault backup)."));
        }
        return vault.manifest(server, BackupLayout.checkBackupId(backupId)).orElseThrow(() -> new PgvaultException(ErrorKind.NOT_FOUND, 
                "Backup " + backupId + " of server " + server + " does not exist (no manifest).",
                "looked for " + BackupLayout.manifestPath(server, backupId),
                "Pick an id from the catalog: GET /api/backups?server=" + server + " or bin/pgvault list."));
    }

    private static String recoveryOption(String option) {
        if (option == null || option.isBlank() || option.equalsIgnoreCase(RestoreService.FAIL_IF_EXISTS)) {
            return RestoreService.FAIL_IF_EXISTS;
        }
        if (option.equalsIgnoreCase(RestoreService.OVERWRITE)) {
            return RestoreService.OVERWRITE;
        }
        throw new PgvaultException(ErrorKind.INVALID_REQUEST, "recoveryOption has an unknown value.",
                "recoveryOption: " + BackupLayout.printable(option),
                "Use FailIfExists (the default: nothing at the target is replaced) or Overwrite.");
    }

    private String verifyMode() {
        String mode = config.restore().verify().trim().toLowerCase(Locale.ROOT);
        if (!mode.equals(RestoreService.VERIFY_SHA256) && !mode.equals(RestoreService.VERIFY_SIZE)) {
            throw new PgvaultException(ErrorKind.CONFIGURATION, "PGVAULT_RESTORE_VERIFY has an unknown value.",
                    "PGVAULT_RESTORE_VERIFY=" + BackupLayout.printable(mode), "Use sha256 (the default) or size.");
        }
        return mode;
    }

    /** The support matrix's verdict on this restore (archived files, placement); refused unless allowed. */
    private void judge(RestoreRequest request, Manifest manifest) {
        List<String> archived = new ArrayList<>();
        for (Manifest.File f : manifest.files()) {
            if (vault.backupFileArchived(manifest.server() + "/" + manifest.backupId() + "/" + f.path())) {
                archived.add(f.path());
            }
        }
        PgvaultConfig.Vault v = config.vault();
        Placement vaultPlacement = new Placement(v.tenantId().orElse(null), v.subscriptionId().orElse(null),
                v.region().orElse(null));
        Placement targetPlacement = new Placement(
                Optional.ofNullable(request.targetTenantId()).or(() -> config.restore().targetTenantId()).orElse(null),
                null, Optional.ofNullable(request.targetRegion()).or(() -> config.restore().targetRegion()).orElse(null));
        Verdict verdict = new SupportMatrix(new MatrixPolicy(new Settings(config).maxServerSizeBytes(),
                new Settings(config).maxByteaBytes())).judgeRestore(new RestoreFacts(manifest.backupId(),
                request.databases() == null ? List.of() : request.databases(), vaultPlacement, targetPlacement, archived));
        if (!verdict.allowed()) {
            throw new MatrixRefusedException("Restore of backup " + manifest.backupId(), verdict);
        }
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
            throw new PgvaultException(ErrorKind.INTEGRITY, "roles.sql of backup " + manifest.backupId() + " does not match its manifest.",
                    "manifest: " + roles.bytes() + " bytes, sha256 " + roles.sha256() + "; vault: " + content.length
                            + " bytes, sha256 " + sha,
                    "The vault copy was changed or damaged after the backup; run bin/pgvault verify, and restore "
                            + "another backup.");
        }
        return content;
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
