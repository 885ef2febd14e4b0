package io.pgvault.watch;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.TimerTrigger;
import io.pgvault.jobs.JobContext;
import jakarta.inject.Inject;

/**
 * The overdue watch's timer: {@code %WATCH_SCHEDULE%} (an app setting, hourly by default; the "no watch run for
 * two hours" alert assumes at most hourly). Each pass marks overdue servers and logs its heartbeat event.
 */
public class WatchBackupsFunction {

    @Inject
    OverdueWatch watch;

    @FunctionName("watchBackups")
    public void run(@TimerTrigger(name = "timer", schedule = "%WATCH_SCHEDULE%") String timerInfo,
            ExecutionContext context) {
        try (JobContext.Scope invocation = JobContext.invocation(context.getInvocationId(), context.getLogger())) {
            OverdueWatch.Pass pass = watch.run();
            context.getLogger().info("pgvault: watched " + pass.watched().size() + " protected server(s), overdue: "
                    + (pass.overdue().isEmpty() ? "none" : String.join(", ", pass.overdue())));
        }
    }
}
