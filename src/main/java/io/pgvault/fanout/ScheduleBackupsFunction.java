package io.pgvault.fanout;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.TimerTrigger;
import jakarta.inject.Inject;

import java.time.Clock;

/**
 * The fleet's scheduler: a timer on {@code %SCHEDULER_SCHEDULE%} (hourly by default) that queues one message per
 * due server onto {@code pgvault-backups} ({@link BackupScheduler}). Servers it could not queue are logged with
 * their HINT; the others are queued regardless.
 */
public class ScheduleBackupsFunction {

    @Inject
    BackupScheduler scheduler;

    @Inject
    Clock clock;

    @FunctionName("scheduleBackups")
    public void run(@TimerTrigger(name = "timer", schedule = "%SCHEDULER_SCHEDULE%") String timerInfo,
            ExecutionContext context) {
        BackupScheduler.Pass pass = scheduler.pass(clock.instant());
        context.getLogger().info("pgvault: scheduler pass queued " + pass.queued().size() + " backup(s)");
        pass.failures().forEach(f -> context.getLogger().warning("pgvault: " + f));
    }
}
