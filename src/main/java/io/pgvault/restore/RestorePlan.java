package io.pgvault.restore;

import io.pgvault.vault.Manifest;

import java.util.Map;

/**
 * A restore request after its checks ({@link RestoreChecks#plan}): what to copy, where to, how to verify it,
 * and the restore kit, made before anything is written.
 *
 * @param server     the checked server name
 * @param option     recoveryOption, {@link RestoreService#FAIL_IF_EXISTS} or {@link RestoreService#OVERWRITE}
 * @param verifyMode {@link RestoreService#VERIFY_SHA256} or {@link RestoreService#VERIFY_SIZE}
 * @param kit        the restore kit's files (name → content), written next to the backup's files
 */
record RestorePlan(String server, Manifest manifest, TargetGuard.Target target, String option, String verifyMode,
        Map<String, byte[]> kit) {

    /** The folder the backup's files have in the vault, and get at the target: {@code <server>/<backupId>/}. */
    String prefix() {
        return server + "/" + manifest.backupId() + "/";
    }

    boolean failIfExists() {
        return RestoreService.FAIL_IF_EXISTS.equals(option);
    }
}
