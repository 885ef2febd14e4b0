package io.pgvault.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The structured events alerts and dashboards read: one log line {@code pgvault.job {json}} per ended job and
 * {@code pgvault.overdue {json}} per overdue server and {@code pgvault.watch {json}} per watch pass, in category {@code io.pgvault.events}. The JSON is the rest of
 * the line, so KQL reads it with {@code parse_json(extract(@"pgvault\.job (\{.*\})", 1, message))} whatever prefix
 * the line got on its way (the invocation fields of {@link InvocationLog}).
 */
public final class JobEvents {

    /** Event name of an ended job. */
    public static final String JOB = "pgvault.job";
    /** Event name of an overdue server. */
    public static final String OVERDUE = "pgvault.overdue";
    /** Event name of one pass of the overdue watch: the heartbeat the "no watch run" alert reads. */
    public static final String WATCH = "pgvault.watch";

    private static final Logger LOG = Logger.getLogger("io.pgvault.events");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Jobs whose event was emitted in this process: a terminal job saved again (warnings added) emits nothing. */
    private static final Map<String, Boolean> EMITTED = new LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > 10_000;
        }
    };

    private JobEvents() {
    }

    /** Emits the {@value #JOB} event of an ended job, once per job; false if it was already emitted. */
    public static boolean ended(JobRecord job) {
        if (!job.terminal() || !first(job.server() + "/" + job.id())) {
            return false;
        }
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("event", JOB);
        e.put("server", job.server());
        e.put("kind", job.kind().toString());
        e.put("state", job.state().toString());
        e.put("jobId", job.id());
        e.put("backupId", job.backupId());
        e.put("bytes", job.bytes());
        e.put("durationSeconds", seconds(job.startedAt(), job.endedAt()));
        e.put("errorCode", job.error() == null ? null : job.error().code());
        emit(JOB, e);
        return true;
    }

    /** Emits the {@value #OVERDUE} event of a protected server whose newest committed backup is too old (or none). */
    public static void overdue(String server, String lastBackupId, Instant lastCommittedAt, Duration maxAge) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("event", OVERDUE);
        e.put("server", server);
        e.put("lastBackupId", lastBackupId);
        e.put("lastCommittedAt", lastCommittedAt == null ? null : lastCommittedAt.toString());
        e.put("maxAgeDays", maxAge.toDays());
        emit(OVERDUE, e);
    }

    /** Emits the {@value #WATCH} event of one pass of the overdue watch. */
    public static void watch(int watched, java.util.List<String> overdue) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("event", WATCH);
        e.put("watched", watched);
        e.put("overdue", overdue);
        emit(WATCH, e);
    }

    private static synchronized boolean first(String key) {
        return EMITTED.putIfAbsent(key, Boolean.TRUE) == null;
    }

    private static double seconds(Instant start, Instant end) {
        return start == null || end == null ? 0 : Duration.between(start, end).toMillis() / 1000.0;
    }

    private static void emit(String name, Map<String, Object> event) {
        JobContext.Fields f = JobContext.current();
        event.put("invocationId", f == null ? null : f.invocationId());
        try {
            LOG.infof("%s %s", name, JSON.writeValueAsString(event));
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException(impossible);
        }
    }
}
