package io.pgvault.backup;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.TimerTrigger;
import io.pgvault.errors.PgvaultException;
import io.pgvault.jobs.JobContext;
import io.pgvault.matrix.BackupType;
import jakarta.inject.Inject;

/**
 * The weekly backup: a timer trigger on {@code %BACKUP_SCHEDULE%} (an app setting, default Sunday 02:00)
 * that runs one full backup. A refusal or failure is logged with its HINT and fails the invocation, so the
 * host records it; the job record in the vault holds the details.
 */
public class WeeklyBackupFunction {

    @Inject
    BackupService backups;

    @FunctionName("weeklyBackup")
    public void run(@TimerTrigger(name = "timer", schedule = "%BACKUP_SCHEDULE%") String timerInfo,
            ExecutionContext context) {
        // The invocation's id and logger go with the job: its lines reach the host as invocation logs (JobContext).
        try (JobContext.Scope invocation = JobContext.invocation(context.getInvocationId(), context.getLogger())) {
            var result = backups.backup(BackupType.FULL);
            context.getLogger().info("pgvault: backup " + result.manifest().backupId() + " committed, "
                    + result.manifest().totalBytes() + " bytes");
        } catch (PgvaultException e) {
            context.getLogger().severe("pgvault: " + e.render());
            throw new IllegalStateException(e.problem(), null);
        }
    }
}
