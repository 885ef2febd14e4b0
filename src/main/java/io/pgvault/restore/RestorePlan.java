package io.pgvault.restore;

import io.pgvault.vault.BackupLayout;
import io.pgvault.vault.Manifest;

import java.util.Map;

/**
 * A restore request after its checks ({@link RestoreChecks#plan}): what to copy, where to, how to verify it,
 * and the restore kit, made before anything is written.
 *
 * @param server     the checked server name
 * @param option     the request's recoveryOption
 * @param verifyMode how the copied files are checked ({@code pgvault.restore.verify})
 * @param kit        the restore kit's files (name → content), written next to the backup's files
 */
record RestorePlan(String server, Manifest manifest, TargetGuard.Target target, RecoveryOption option, VerifyMode verifyMode,
        Map<String, byte[]> kit) {

    /** The folder the backup's files have in the vault, and get at the target: {@code <server>/<backupId>/}. */
    String prefix() {
        return BackupLayout.backupPrefix(server, manifest.backupId());
    }

    boolean failIfExists() {
        return option == RecoveryOption.FAIL_IF_EXISTS;
    }
}
