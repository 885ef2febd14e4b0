package io.pgvault.watch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgvault.backup.BackupService;
import io.pgvault.backup.BackupTrigger;
import io.pgvault.backup.WeeklyBackupFunction;
import io.pgvault.fleet.AuthMode;
import io.pgvault.fleet.BackupPolicy;
import io.pgvault.fleet.FleetView;
import io.pgvault.fleet.ProtectionState;
import io.pgvault.fleet.ServerEntry;
import io.pgvault.fleet.ServerRegistry;
import io.pgvault.fleet.ServerView;
import io.pgvault.jobs.JobContext;
import io.pgvault.jobs.JobEvents;
import io.pgvault.jobs.JobRecord;
import io.pgvault.jobs.JobState;
import io.pgvault.jobs.JobStore;
import io.pgvault.jobs.JobWatch;
import io.pgvault.jobs.ServerStatus;
import io.pgvault.matrix.Placement;
import io.pgvault.restore.RestoreAccepted;
import io.pgvault.restore.RestoreRequest;
import io.pgvault.restore.RestoreService;
import io.pgvault.testing.LogCapture;
import io.pgvault.testing.TestClock;
import io.pgvault.testing.TestExecutionContext;
import io.pgvault.testing.TestServices;
import io.pgvault.verify.VerifyAccepted;
import io.pgvault.verify.VerifyRequest;
import io.pgvault.verify.VerifyService;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Never silent, on real backups (PostgreSQL + Azurite): every pgvault log record of a backup carries the server, the
 * job id and the invocation id as MDC fields, on the worker threads too, and the invocation's logger gets each line
 * with the fields in its text; each ended job emits exactly one {@code pgvault.job} event whose JSON parses; the
 * overdue watch marks and events a server whose newest backup is too old (test clock, no sleeping). The invocation
 * is a hand-made ExecutionContext (TestExecutionContext), as the Functions host would pass it.
 */
@QuarkusTest
@TestProfile(SilentJobsTest.Clocked.class)
class SilentJobsTest {

    /** The test clock; no pruning (the clock jumps weeks). */
    public static class Clocked implements QuarkusTestProfile {
        @Override
        public Set<Class<?>> getEnabledAlternatives() {
            return Set.of(TestClock.class);
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pgvault.retention.prune-after-backup", "false");
        }
    }

    static final String SERVER = "test-pg";
    static final ObjectMapper JSON = new ObjectMapper();
    /** A Wednesday in the future (no other test's backup is newer); each test starts two weeks later. */
    static final Instant BASE = Instant.parse("2030-03-06T10:00:00Z");
    static final java.util.concurrent.atomic.AtomicInteger RUNS = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * This test's start. Distinct per test: job ids come from the clock, and the once-per-job guard of the events
     * remembers the ids of this JVM (the vault is emptied between tests, the JVM is not).
     */
    Instant t;

    @Inject
    TestClock clock;
    @Inject
    WeeklyBackupFunction weekly;
    @Inject
    BackupService backups;
    @Inject
    JobStore jobs;
    @Inject
    RestoreService restores;
    @Inject
    VerifyService verifies;
    @Inject
    JobWatch watch;
    @Inject
    OverdueWatch overdue;
    @Inject
    ServerRegistry registry;
    @Inject
    FleetView fleet;

    @BeforeEach
    void emptyVault() {
        TestServices.resetVault();
        t = BASE.plus(Duration.ofDays(14L * RUNS.getAndIncrement()));
        clock.set(t);
    }

    @AfterEach
    void realTime() {
        clock.reset();
    }

    @Test
    void everyLineOfARealBackupCarriesServerJobAndInvocation() {
        TestExecutionContext context = new TestExecutionContext("weeklyBackup");
        List<LogCapture.Captured> records;
        try (LogCapture capture = new LogCapture(Level.FINE, "io.pgvault")) {
            weekly.run("timer", context);
            records = capture.records();
        }
        JobRecord job = jobs.list(SERVER).get(0);
        assertEquals(JobState.SUCCEEDED, job.state());
        List<LogCapture.Captured> ours = records.stream().filter(r -> r.logger().startsWith("io.pgvault")).toList();
        assertTrue(ours.size() >= 5, "the backup logged its steps: " + ours);
        for (LogCapture.Captured r : ours) {
            assertEquals(SERVER, r.mdc().get(JobContext.SERVER), "server field of " + r);
            assertEquals(job.id(), r.mdc().get(JobContext.JOB), "job field of " + r);
            assertEquals(context.getInvocationId(), r.mdc().get(JobContext.INVOCATION), "invocation field of " + r);
        }
        String caller = Thread.currentThread().getName();
        Set<String> workers = new java.util.TreeSet<>(ours.stream().map(LogCapture.Captured::thread)
                .filter(t -> !t.equals(caller)).toList());
        assertTrue(ours.stream().anyMatch(r -> r.message().startsWith("Dump of database") && !r.thread().equals(caller)),
                "a dump pool thread logged with the fields: " + ours);
        assertTrue(workers.size() >= 2, "lines from worker threads (dumps, preflight): " + workers);
        System.out.println("captured record of a real backup: " + ours.stream()
                .filter(r -> r.message().contains("committed")).findFirst().orElseThrow());
        System.out.println("captured worker-thread record: " + ours.stream()
                .filter(r -> r.message().startsWith("Dump of database")).findFirst().orElseThrow());

        // The invocation's logger (what the Functions host stores with the InvocationId) got them with the fields in text.
        String prefix = "[pgvault server=" + SERVER + " job=" + job.id() + " invocation=" + context.getInvocationId() + "]";
        List<String> invocationLines = records.stream().filter(r -> r.logger().equals("pgvault.test.weeklyBackup"))
                .map(LogCapture.Captured::message).toList();
        // the invocation logger takes INFO and up (its own level), as the host's does
        long infoLines = ours.stream().filter(r -> r.level().intValue() >= Level.INFO.intValue()).count();
        assertTrue(infoLines >= 3, "INFO lines of the backup: " + ours);
        assertEquals(infoLines, invocationLines.stream().filter(l -> l.startsWith(prefix)).count(),
                "every pgvault INFO line reached the invocation logger with its fields: " + invocationLines);
        JsonNode event = onlyEvent(invocationLines, job.id());
        assertEquals("backup", event.path("kind").asText());
        assertEquals(context.getInvocationId(), event.path("invocationId").asText());
        System.out.println("invocation log line of the event: " + invocationLines.stream()
                .filter(l -> l.contains(JobEvents.JOB + " ")).findFirst().orElseThrow());
    }

    @Test
    void eachEndedJobEmitsOneEvent() throws Exception {
        List<String> lines;
        JobRecord ok;
        JobRecord refused;
        JobRecord failed;
        JobRecord restored;
        JobRecord verified;
        try (LogCapture capture = new LogCapture(Level.INFO, "io.pgvault")) {
            ok = backups.backup(io.pgvault.matrix.BackupType.FULL).job();
            // the matrix allows one backup a week: a second run this week is Refused
            clock.set(t.plusSeconds(60));
            assertThrows(RuntimeException.class, () -> backups.backup(io.pgvault.matrix.BackupType.FULL));
            refused = newestOtherThan(ok.id());
            // a registry entry whose server does not answer: the backup Fails (another second: its own job id)
            clock.set(t.plusSeconds(120));
            ServerEntry down = entry("silent-down", 1, ProtectionState.PROTECTED);
            assertThrows(RuntimeException.class, () -> backups.backup(down, BackupTrigger.ON_DEMAND));
            failed = jobs.list("silent-down").get(0);
            clock.reset();
            restored = restore(ok.backupId());
            verified = verify(ok.backupId());
            // a terminal job saved again (as after-commit steps do): no second event
            jobs.save(verified.withWarnings(List.of("saved again"), Instant.now()));
            lines = capture.records().stream().filter(r -> r.logger().equals("io.pgvault.events"))
                    .map(LogCapture.Captured::message).toList();
        }
        assertEquals(JobState.REFUSED, refused.state());
        assertEquals(JobState.FAILED, failed.state());
        assertEquals(JobState.SUCCEEDED, restored.state());
        assertEquals(JobState.SUCCEEDED, verified.state());
        assertEvent(onlyEvent(lines, ok.id()), SERVER, "backup", "Succeeded", null);
        assertTrue(onlyEvent(lines, ok.id()).path("bytes").asLong() > 0, "bytes of the backup");
        assertEvent(onlyEvent(lines, refused.id()), SERVER, "backup", "Refused", refused.error().code());
        assertEvent(onlyEvent(lines, failed.id()), "silent-down", "backup", "Failed", failed.error().code());
        assertEvent(onlyEvent(lines, restored.id()), SERVER, "restore", "Succeeded", null);
        assertEvent(onlyEvent(lines, verified.id()), SERVER, "verify", "Succeeded", null);
        assertEquals(5, lines.stream().filter(l -> l.startsWith(JobEvents.JOB + " ")).count(), "one event per job: " + lines);
    }

    @Test
    void aServerWithoutARecentBackupIsMarkedOverdueAndEvented() {
        backups.backup(io.pgvault.matrix.BackupType.FULL);
        ServerEntry never = entry("silent-never", TestServices.pgPort(), ProtectionState.PROTECTED);
        registry.create(never);
        registry.create(entry("silent-paused", TestServices.pgPort(), ProtectionState.PAUSED));

        OverdueWatch.Pass first = overdue.run();    // day 0: nothing overdue; the new server is first seen now
        assertEquals(List.of(), first.overdue());
        assertFalse(first.watched().contains("silent-paused"), "a paused server is not watched: " + first.watched());
        assertEquals(t, jobs.status("silent-never").orElseThrow().watchedSince());

        clock.set(t.plus(Duration.ofDays(8)).minusSeconds(60)); // just under 8 days: still fine
        assertEquals(List.of(), overdue.run().overdue());

        clock.set(t.plus(Duration.ofDays(9)));
        List<String> events;
        OverdueWatch.Pass late;
        try (LogCapture capture = new LogCapture(Level.INFO, "io.pgvault")) {
            late = overdue.run();
            events = capture.records().stream().filter(r -> r.logger().equals("io.pgvault.events"))
                    .map(LogCapture.Captured::message).toList();
        }
        assertEquals(List.of(SERVER, "silent-never"), late.overdue());
        ServerStatus.Overdue mark = jobs.status(SERVER).orElseThrow().overdue();
        assertNotNull(mark, "status document marks it");
        assertEquals("Overdue", mark.state());
        assertEquals(8, mark.maxAgeDays());
        assertNotNull(mark.lastBackupId());
        assertNull(jobs.status("silent-never").orElseThrow().overdue().lastBackupId(), "never backed up");
        JsonNode e = event(events, JobEvents.OVERDUE, SERVER);
        assertEquals(mark.lastBackupId(), e.path("lastBackupId").asText());
        assertNotNull(event(events, JobEvents.OVERDUE, "silent-never"));
        assertEquals(2, events.stream().filter(l -> l.startsWith(JobEvents.OVERDUE + " ")).count(), "one per server: " + events);
        JsonNode beat = read(events.stream().filter(l -> l.startsWith(JobEvents.WATCH + " ")).findFirst()
                .orElseThrow().substring(JobEvents.WATCH.length() + 1));
        assertEquals(2, beat.path("overdue").size());

        // the fleet view (GET /api/servers, bin/pgvault servers) shows it
        ServerView view = fleet.servers().stream().filter(v -> v.name().equals(SERVER)).findFirst().orElseThrow();
        assertEquals("Overdue", view.overdue().state());

        // a new committed backup ends it
        backups.backup(io.pgvault.matrix.BackupType.FULL);
        assertNull(jobs.status(SERVER).orElseThrow().overdue(), "cleared by the committed backup");
        assertEquals(List.of("silent-never"), overdue.run().overdue());
    }

    // ---------------------------------------------------------------------------------------------

    static ServerEntry entry(String name, int port, ProtectionState state) {
        return new ServerEntry(name, "127.0.0.1", port, "postgres", "postgres", AuthMode.PASSWORD,
                "env:PGVAULT_PG_PASSWORD", "disable", Placement.unknown(),
                new BackupPolicy(DayOfWeek.SUNDAY, 2, 13, 0, 0, "zstd", 1), state, false);
    }

    JobRecord newestOtherThan(String id) {
        return jobs.list(SERVER).stream().filter(j -> !j.id().equals(id)).findFirst().orElseThrow();
    }

    JobRecord restore(String backupId) throws InterruptedException {
        String url = TestServices.newTargetContainer("silent-" + System.nanoTime());
        RestoreAccepted a = restores.start(new RestoreRequest(SERVER, backupId, url, null, null, null, null));
        return watch.awaitEnd(() -> restores.status(SERVER, a.restoreId()), Duration.ofMinutes(2));
    }

    JobRecord verify(String backupId) throws InterruptedException {
        VerifyAccepted a = verifies.start(new VerifyRequest(SERVER, backupId, false));
        return verifies.await(SERVER, List.of(a.verifyId()), Duration.ofMinutes(2)).get(0);
    }

    static void assertEvent(JsonNode e, String server, String kind, String state, String errorCode) {
        assertEquals(server, e.path("server").asText(), e.toString());
        assertEquals(kind, e.path("kind").asText(), e.toString());
        assertEquals(state, e.path("state").asText(), e.toString());
        assertTrue(e.path("durationSeconds").isNumber(), e.toString());
        assertEquals(errorCode, e.path("errorCode").isNull() ? null : e.path("errorCode").asText(), e.toString());
    }

    /** The one {@code pgvault.job} event of a job in the lines (JSON after the event name, as KQL extracts it). */
    static JsonNode onlyEvent(List<String> lines, String jobId) {
        List<JsonNode> found = new ArrayList<>();
        Pattern p = Pattern.compile("pgvault\\.job (\\{.*\\})$");
        for (String l : lines) {
            Matcher m = p.matcher(l);
            if (m.find()) {
                JsonNode e = read(m.group(1));
                if (jobId.equals(e.path("jobId").asText())) {
                    found.add(e);
                }
            }
        }
        assertEquals(1, found.size(), "one pgvault.job event of " + jobId + ": " + lines);
        return found.get(0);
    }

    static JsonNode event(List<String> lines, String name, String server) {
        return lines.stream().filter(l -> l.startsWith(name + " ")).map(l -> read(l.substring(name.length() + 1)))
                .filter(e -> server.equals(e.path("server").asText())).findFirst().orElseThrow(() -> new AssertionError(
                        "no " + name + " event of " + server + ": " + lines));
    }

    static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }
}
