package io.pgvault.fanout;

import io.pgvault.vault.queue.BackupMessage;
import com.azure.storage.queue.models.PeekedMessageItem;
import io.pgvault.errors.ErrorKind;
import io.pgvault.vault.queue.BackupQueue;
import io.pgvault.fleet.ProtectionState;
import io.pgvault.fleet.ServerEntry;
import io.pgvault.fleet.ServerRegistry;
import io.pgvault.jobs.JobRecord;
import io.pgvault.jobs.JobState;
import io.pgvault.jobs.JobStore;
import io.pgvault.testing.Cli;
import io.pgvault.testing.Errors;
import io.pgvault.testing.LogCapture;
import io.pgvault.testing.TestClock;
import io.pgvault.testing.TestExecutionContext;
import io.pgvault.testing.TestServices;
import io.pgvault.vault.VaultStore;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fleet's fan-out against real parts: Azurite's queue service (AzureWebJobsStorage), Azurite's blob service (the
 * vault), and real PostgreSQL clusters started by scripts/services.sh cluster, one per fleet server, plus one port
 * nothing listens on. The Functions host itself cannot run here: where a test plays the host (take a message,
 * invoke backupServer with its dequeue count, retry or move it to poison) it says so. The clock runs in real time,
 * shifted to a Wednesday 12:00 UTC, so which policy slots have come is known.
 */
@QuarkusTest
@TestProfile(FanoutTest.Profile.class)
class FanoutTest {

    /** Three attempts per message (host.json's default is five): the retries of the unreachable server stay short. */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public Set<Class<?>> getEnabledAlternatives() {
            return Set.of(TestClock.class);
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pgvault.queue.max-dequeue-count", "3", "pgvault.queue.retry-delay", "PT0S");
        }
    }

    static final int MAX_ATTEMPTS = 3;
    static final String PASSWORD = TestServices.password();

    @Inject
    ServerRegistry registry;

    @Inject
    BackupScheduler scheduler;

    @Inject
    BackupServerFunction backupServer;

    @Inject
    BackupQueue queue;

    @Inject
    JobStore jobs;

    @Inject
    VaultStore vault;

    @Inject
    TestClock clock;

    @Inject
    BackupEnqueuer enqueuer;

    @Inject
    BackupNowService backupNow;

    @Inject
    CommandLine.IFactory factory;

    @BeforeEach
    void wednesdayNoonAndEmpty() {
        TestServices.resetVault();
        BackupQueueTest.clearQueues();
        Instant now = Instant.now();
        Instant wednesday = now.atZone(ZoneOffset.UTC).toLocalDate().with(TemporalAdjusters.next(DayOfWeek.WEDNESDAY))
                .atTime(12, 0).toInstant(ZoneOffset.UTC);
        clock.shift(Duration.between(now, wednesday));
    }

    @AfterEach
    void realTime() {
        clock.reset();
    }

    private void register(ServerEntry... entries) {
        for (ServerEntry e : entries) {
            registry.create(e.checked(null));
        }
    }

    private static ServerEntry server(String name, DayOfWeek day, int hour) {
        return FleetServers.entry(name, FleetServers.port(name.replace("fq-", "")), day, hour, ProtectionState.PROTECTED);
    }

    /** The bodies on the queue, read with a plain queue client (not pgvault's adapter). */
    private static List<String> queuedBodies() {
        List<String> out = new ArrayList<>();
        for (PeekedMessageItem m : BackupQueueTest.raw(BackupQueue.NAME).peekMessages(32, null, null)) {
            out.add(m.getBody().toString());
        }
        return out;
    }

    private Set<String> queuedServers() {
        return queuedBodies().stream().map(b -> queue.parse(b).server()).collect(Collectors.toCollection(TreeSet::new));
    }

    /**
     * Plays the Functions host (which cannot run here): takes each message, invokes backupServer with its dequeue
     * count, deletes it on success, makes it visible again on failure, moves it to poison after the last attempt.
     * Returns the invocations per server. Bounded: at most {@code maxInvocations}.
     */
    private Map<String, Integer> drainLikeTheHost(int maxInvocations) {
        Map<String, Integer> invocations = new HashMap<>();
        for (int i = 0; i < maxInvocations; i++) {
            List<BackupQueue.Delivery> got = queue.receive(1, Duration.ofMinutes(5));
            if (got.isEmpty()) {
                return invocations;
            }
            BackupQueue.Delivery d = got.get(0);
            invocations.merge(d.message().server(), 1, Integer::sum);
            try {
                backupServer.run(d.text(), d.dequeueCount(), new TestExecutionContext("backupServer"));
                queue.delete(d);
            } catch (IllegalStateException failed) {
                if (d.dequeueCount() >= MAX_ATTEMPTS) {
                    queue.toPoison(d);
                } else {
                    queue.retryAfter(d, Duration.ZERO);
                }
            }
        }
        throw new AssertionError("the queue was not drained in " + maxInvocations + " invocations");
    }

    @Test
    void aSchedulerPassQueuesExactlyTheDueServersAndNeverTwice() {
        register(server("fq-s1", DayOfWeek.MONDAY, 0), server("fq-s2", DayOfWeek.WEDNESDAY, 11),
                server("fq-s3", DayOfWeek.WEDNESDAY, 12),
                FleetServers.entry("fq-s4", FleetServers.port("s1"), DayOfWeek.WEDNESDAY, 13,
                        ProtectionState.PROTECTED),                                  // later today: not yet
                FleetServers.entry("fq-s5", FleetServers.port("s1"), DayOfWeek.SATURDAY, 2,
                        ProtectionState.PROTECTED),                                  // later this week
                FleetServers.entry("fq-paused", FleetServers.port("s1"), DayOfWeek.MONDAY, 0, ProtectionState.PAUSED));
        BackupScheduler.Pass pass = scheduler.pass(clock.instant());
        assertEquals(List.of(), pass.failures());
        assertEquals(new TreeSet<>(List.of("fq-s1", "fq-s2", "fq-s3")), queuedServers());
        assertEquals(3, queuedBodies().size(), "one message per due server");
        for (String body : queuedBodies()) {
            BackupMessage m = queue.parse(body);
            assertEquals(DueSlot.isoWeek(clock.instant()), m.isoWeek());
            assertEquals(JobState.QUEUED, jobs.get(m.server(), m.jobId()).state(), "a Queued job per message");
        }
        // The settings server (test-pg) is the weekly timer's: the scheduler leaves it alone.
        assertFalse(queuedServers().contains("test-pg"));
        assertTrue(scheduler.pass(clock.instant()).queued().isEmpty(), "a second pass while queued queues nothing");
        assertEquals(3, queuedBodies().size());
    }

    @Test
    void backupServerCommitsEachDueServerWhileTheUnreachableOneFailsAfterItsRetries() {
        register(server("fq-s1", DayOfWeek.MONDAY, 0), server("fq-s2", DayOfWeek.TUESDAY, 5),
                server("fq-s3", DayOfWeek.WEDNESDAY, 0),
                FleetServers.entry("fq-down", FleetServers.deadPort(), DayOfWeek.MONDAY, 0, ProtectionState.PROTECTED));
        assertEquals(4, scheduler.pass(clock.instant()).queued().size());
        Map<String, BackupMessage> messages = queuedBodies().stream().map(queue::parse)
                .collect(Collectors.toMap(BackupMessage::server, m -> m));
        Map<String, Integer> invocations;
        try (LogCapture log = new LogCapture(java.util.logging.Level.FINE, "io.pgvault")) {
            invocations = drainLikeTheHost(20);
            String text = log.text();
            assertFalse(text.contains(PASSWORD), "no password in the log");
            assertFalse(text.contains("AccountKey="), "no storage key in the log");
        }
        for (String s : List.of("fq-s1", "fq-s2", "fq-s3")) {
            JobRecord job = jobs.get(s, messages.get(s).jobId());
            assertEquals(JobState.SUCCEEDED, job.state(), s + ": " + job.error());
            assertTrue(vault.manifest(s, job.backupId()).isPresent(), s + " has a committed backup " + job.backupId());
            assertEquals(1, invocations.get(s), s + " ran once");
        }
        assertEquals(MAX_ATTEMPTS, invocations.get("fq-down"), "the unreachable server is tried up to the dequeue limit");
        JobRecord down = jobs.get("fq-down", messages.get("fq-down").jobId());
        assertEquals(JobState.FAILED, down.state());
        assertEquals(ErrorKind.DATABASE_UNAVAILABLE.code(), down.error().code(), down.error().message());
        assertTrue(down.error().message().contains("HINT"), down.error().message());
        List<String> poison = new ArrayList<>();
        BackupQueueTest.raw(BackupQueue.POISON).peekMessages(32, null, null).forEach(m -> poison.add(m.getBody().toString()));
        assertEquals(List.of("fq-down"), poison.stream().map(b -> queue.parse(b).server()).toList());
        // Every week is now done (committed) or free again (failed for good): the next pass queues only the failed one.
        assertEquals(List.of("fq-down"), scheduler.pass(clock.instant()).queued().stream().map(BackupMessage::server).toList());
        for (String body : queuedBodies()) {
            assertFalse(body.contains(PASSWORD) || body.contains("127.0.0.1"), "a message names the server, no connection: " + body);
        }
        for (String s : List.of("fq-s1", "fq-s2", "fq-s3", "fq-down")) {
            String records = jobs.list(s).toString();
            assertFalse(records.contains(PASSWORD) || records.contains("AccountKey"), "no secret in the job records of " + s);
        }
    }

    /**
     * Other runs hold every backup id of the next seconds (job records created here, as concurrent runs would): the
     * backup cannot start — transient, so the message is retried (Queued, with the attempt noted), not Refused.
     */
    @Test
    void aBackupThatFindsEveryIdTakenIsRetriedNotRefused() {
        register(server("fq-s1", DayOfWeek.MONDAY, 0));
        assertEquals(1, scheduler.pass(clock.instant()).queued().size());
        Instant from = clock.instant();
        for (int s = 0; s < 30; s++) {
            jobs.start("backup-" + io.pgvault.vault.BackupLayout.newBackupId(from.plusSeconds(s)),
                    io.pgvault.jobs.JobKind.BACKUP, "fq-s1", JobState.RUNNING, null, null);
        }
        BackupQueue.Delivery d = queue.receive(1, Duration.ofMinutes(5)).get(0);
        RuntimeException thrown = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class,
                () -> backupServer.run(d.text(), 1L, new TestExecutionContext("backupServer")));
        JobRecord queued = jobs.get("fq-s1", d.message().jobId());
        assertEquals(JobState.QUEUED, queued.state(), "retried, not refused: " + thrown.getMessage());
        assertTrue(queued.warnings().stream().anyMatch(w -> w.contains("attempt 1 of 3 failed, retried")
                && w.contains("Could not start a backup")), queued.warnings().toString());
    }

    @Test
    void aServerRemovedAfterItsMessageWasQueuedEndsNoLongerProtected() {
        register(server("fq-s1", DayOfWeek.MONDAY, 0));
        BackupMessage m = scheduler.pass(clock.instant()).queued().get(0);
        registry.remove("fq-s1", registry.get("fq-s1").orElseThrow().etag());
        BackupQueue.Delivery d = queue.receive(1, Duration.ofMinutes(1)).get(0);
        backupServer.run(d.text(), d.dequeueCount(), new TestExecutionContext("backupServer")); // no exception: not an error
        JobRecord job = jobs.get("fq-s1", m.jobId());
        assertEquals(JobState.CANCELLED, job.state());
        assertNull(job.error(), "not an error");
        assertTrue(job.warnings().stream().anyMatch(w -> w.contains("no longer protected")), job.warnings().toString());
        assertTrue(vault.catalog("fq-s1").isEmpty(), "no backup was taken");
        assertEquals(DueSlot.WeekState.FREE, enqueuer.week("fq-s1", clock.instant()).state(), "the queued marker is gone");
    }

    @Test
    void twoBackupNowInOneWeekTheSecondIsRefusedNamingTheHolder() {
        register(server("fq-s2", DayOfWeek.SATURDAY, 2));
        Response first = given().contentType(ContentType.JSON).body(Map.of("server", "fq-s2")).post("/backupNow");
        assertEquals(202, first.statusCode(), first.asString());
        String jobId = first.jsonPath().getString("jobId");
        assertNotNull(jobId);
        assertEquals(JobState.QUEUED, jobs.get("fq-s2", jobId).state());
        Response second = given().contentType(ContentType.JSON).body(Map.of("server", "fq-s2")).post("/backupNow");
        assertEquals(409, second.statusCode(), second.asString());
        assertTrue(second.asString().contains(jobId), "names the queued job: " + second.asString());
        assertTrue(second.asString().contains("HINT"), second.asString());
        assertEquals(1, queuedBodies().size(), "one message only");
        drainLikeTheHost(5);
        String backupId = jobs.get("fq-s2", jobId).backupId();
        assertEquals(JobState.SUCCEEDED, jobs.get("fq-s2", jobId).state());
        Response third = given().contentType(ContentType.JSON).body(Map.of("server", "fq-s2")).post("/backupNow");
        assertEquals(409, third.statusCode(), third.asString());
        assertTrue(third.asString().contains(backupId), "names the committed backup: " + third.asString());
        Errors.assertKind(ErrorKind.NOT_FOUND, () -> backupNow.request("fq-nobody"));
    }

    @Test
    void fleetRunWithTwoWorkersBacksUpThreeServers() {
        register(server("fq-s1", DayOfWeek.MONDAY, 0), server("fq-s2", DayOfWeek.MONDAY, 0),
                server("fq-s3", DayOfWeek.MONDAY, 0));
        Cli.Result r = Cli.run(factory, "fleet", "run", "--workers", "2");
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("3 backup(s) queued"), r.out());
        assertTrue(r.out().contains("by 2 worker(s)"), r.out());
        for (String s : List.of("fq-s1", "fq-s2", "fq-s3")) {
            assertEquals(1, vault.catalog(s).size(), s + " has its backup");
            assertTrue(r.out().lines().anyMatch(l -> l.startsWith(s) && l.contains("committed")), r.out());
        }
        assertTrue(queuedBodies().isEmpty(), "the queue is drained");
        assertFalse(r.out().contains(PASSWORD), "no password in the output");
        Cli.Result again = Cli.run(factory, "fleet", "run", "--workers", "2");
        assertTrue(again.out().contains("0 backup(s) queued"), "one per week: " + again.out());
        Cli.Result bad = Cli.run(factory, "fleet", "run", "--workers", "0");
        assertEquals(2, bad.exit());
        assertTrue(bad.err().contains("HINT"), bad.err());
    }
}
