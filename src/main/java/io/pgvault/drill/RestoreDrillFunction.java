package io.pgvault.drill;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.TimerTrigger;
import io.pgvault.jobs.JobContext;
import jakarta.inject.Inject;

import java.util.List;

/**
 * The restore drills' timer: {@code %DRILL_SCHEDULE%} (an app setting, monthly by default). Each run drills the
 * newest backup of every protected server into the drill server; each drill is a job with its report.
 */
public class RestoreDrillFunction {

    @Inject
    DrillService drills;

    @FunctionName("restoreDrill")
    public void run(@TimerTrigger(name = "timer", schedule = "%DRILL_SCHEDULE%") String timerInfo,
            ExecutionContext context) {
        try (JobContext.Scope invocation = JobContext.invocation(context.getInvocationId(), context.getLogger())) {
            List<DrillReport> reports = drills.drill(null);
            context.getLogger().info("pgvault: " + reports.size() + " restore drill(s), failed: " + reports.stream()
                    .filter(r -> !r.passed()).map(r -> r.server() + " " + r.jobId()).toList());
        }
    }
}
