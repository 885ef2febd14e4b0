package io.pgvault.jobs;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** How a job record ends: items still under way end with the job; finished items keep their own state. */
class JobRecordTest {

    @Test
    void itemsStillRunningWhenTheJobFailsTakeTheJobsEndState() {
        Instant t = Instant.parse("2026-11-25T02:00:00Z");
        JobRecord running = new JobRecord("backup-x", JobRecord.KIND_BACKUP, "pg1", JobRecord.RUNNING, t, t, null, "x",
                null, 30, 1, 3, List.of(new JobRecord.Progress("(roles)", JobRecord.SUCCEEDED, 10, 1.0),
                        new JobRecord.Progress("sales", JobRecord.RUNNING, 20, 2.0),
                        new JobRecord.Progress("bad", JobRecord.FAILED, 0, 0.0)),
                List.of(), null, List.of());
        JobRecord ended = running.failed(JobRecord.INTERRUPTED, new JobRecord.Failure("dump_failed", "killed"), null,
                t.plusSeconds(60));
        assertEquals(List.of(JobRecord.SUCCEEDED, JobRecord.INTERRUPTED, JobRecord.FAILED),
                ended.progress().stream().map(JobRecord.Progress::state).toList());
        assertEquals(List.of(20L, 2.0), List.of(ended.progress().get(1).bytes(), ended.progress().get(1).mbPerSecond()));
        assertEquals(JobRecord.INTERRUPTED, ended.state());
        assertEquals(t.plusSeconds(60), ended.endedAt());
    }
}
