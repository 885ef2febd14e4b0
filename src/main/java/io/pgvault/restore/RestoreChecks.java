package io.pgvault.restore;

import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import io.pgvault.catalog.BackupLookup;
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
import io.pgvault.vault.Sha256;
import io.pgvault.vault.VaultStore;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
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
    private final BackupLookup backups;
    private final TargetClients targets;
    private final Clock clock;

    public RestoreChecks(PgvaultConfig config, VaultStore vault, BackupLookup backups, TargetClients targets,
            Clock clock) {
        this.config = config;
        this.vault = vault;
        this.backups = backups;
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
        RecoveryOption option = RecoveryOption.parse(request.recoveryOption());
        VerifyMode verify = VerifyMode.parse(config.restore().verify()); // a bad setting is refused now, not after the copy
        // No connection to the target before the guard accepted the URL and the SAS.
        TargetGuard.Target target = targets.check(request.targetContainerUrl());
        targets.guard().checkSas(target, option == RecoveryOption.OVERWRITE, clock.instant());
        Manifest manifest = backups.one(server, request.backupId());
        judge(request, manifest);
        String prefix = BackupLayout.backupPrefix(server, manifest.backupId());
        // The kit is made before anything is written: a roles.sql that cannot be read safely refuses the restore.
        return new RestorePlan(server, manifest, target, option, verify,
                RestoreKit.files(manifest, rolesScript(manifest, prefix)));
    }

    /** The support matrix's verdict on this restore (archived files, placement); refused unless allowed. */
    private void judge(RestoreRequest request, Manifest manifest) {
        judge(manifest, request.databases(), request.targetRegion(), request.targetTenantId(), false);
    }

    /**
     * The support matrix's verdict on a restore of {@code manifest} (archived files, placement, item level; and for
     * a restore into a server the note that it goes beyond the matrix); throws MATRIX_REFUSED unless allowed.
     * {@code region}/{@code tenant} describe the target (null: pgvault.restore.target-region/-tenant-id).
     */
    public Verdict judge(Manifest manifest, List<String> databases, String region, String tenant, boolean intoServer) {
        List<String> archived = new ArrayList<>();
        for (Manifest.File f : manifest.files()) {
            if (vault.files().backupFileArchived(BackupLayout.backupPrefix(manifest.server(), manifest.backupId()) + f.path())) {
                archived.add(f.path());
            }
        }
        Placement vaultPlacement = config.vault().matrixPlacement();
        Placement targetPlacement = new Placement(
                Optional.ofNullable(tenant).or(() -> config.restore().targetTenantId()).orElse(null),
                null, Optional.ofNullable(region).or(() -> config.restore().targetRegion()).orElse(null));
        Verdict verdict = new SupportMatrix(new MatrixPolicy(new Settings(config).maxServerSizeBytes(),
                new Settings(config).maxByteaBytes())).judgeRestore(new RestoreFacts(manifest.backupId(),
                databases == null ? List.of() : databases, vaultPlacement, targetPlacement, archived, intoServer));
        if (!verdict.allowed()) {
            throw new MatrixRefusedException("Restore of backup " + manifest.backupId(), verdict);
        }
        return verdict;
    }

    /**
     * The backup's roles.sql as stored, checked against its manifest; null if the backup has none. Public: the
     * restore into a server reads it the same way.
     */
    public byte[] rolesScript(Manifest manifest, String prefix) {
        Manifest.File roles = manifest.files().stream().filter(f -> RestoreKit.ROLES.equals(f.path())).findFirst()
                .orElse(null);
        if (roles == null) {
            return null;
        }
        byte[] content = vault.readBytes(prefix + roles.path());
        String sha = Sha256.hex(content);
        if (content.length != roles.bytes() || !sha.equals(roles.sha256())) {
            throw new PgvaultException(ErrorKind.INTEGRITY, "roles.sql of backup " + manifest.backupId() + " does not match its manifest.",
                    "manifest: " + roles.bytes() + " bytes, sha256 " + roles.sha256() + "; vault: " + content.length
                            + " bytes, sha256 " + sha,
                    "The vault copy was changed or damaged after the backup; run bin/pgvault verify, and restore "
                            + "another backup.");
        }
        return content;
    }
}
