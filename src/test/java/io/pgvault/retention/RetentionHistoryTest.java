package io.pgvault.retention;

import com.azure.core.http.HttpMethod;
import com.azure.core.util.BinaryData;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgvault.backup.BackupService;
import io.pgvault.config.PgvaultConfig;
import io.pgvault.jobs.JobRecord;
import io.pgvault.jobs.JobStore;
import io.pgvault.matrix.BackupType;
import io.pgvault.testing.TestClock;
import io.pgvault.testing.TestServices;
import io.pgvault.testing.VaultTap;
import io.pgvault.vault.Manifest;
import io.pgvault.vault.VaultStore;
import io.pgvault.vault.WeekClaims;
import io.pgvault.verify.VerifyAccepted;
import io.pgvault.verify.VerifyRequest;
import io.pgvault.verify.VerifyService;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Retention over a 20-week history of REAL backups: the controllable {@link TestClock} is set to 20 Sundays
 * (2025-10-05 … 2026-02-15) and a real backup of the test server is taken at each into Azurite. The policy
 * (weekly 4, monthly 3, yearly 2) must keep exactly the 7 backups worked out by hand in
 * {@link RetentionPolicyTest}, never the newest, nothing while the newest failed verification, and nothing
 * under an immutability policy or legal hold. Azurite has neither of those: the only thing not real here is
 * that {@link VaultTap} adds Azure's {@code x-ms-immutability-policy-*} / {@code x-ms-legal-hold} response
 * headers to Azurite's real answers for two backups' blobs.
 */
@QuarkusTest
@TestProfile(RetentionHistoryTest.History.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RetentionHistoryTest {

    /** The test clock, the policy, and no prune after each backup (the whole history stays for the dry run). */
    public static class History implements QuarkusTestProfile {
        @Override
        public Set<Class<?>> getEnabledAlternatives() {
            return Set.of(TestClock.class);
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pgvault.retention.weekly-weeks", "4", "pgvault.retention.monthly-months", "3",
                    "pgvault.retention.yearly-years", "2", "pgvault.retention.prune-after-backup", "false");
        }
    }

    static final String SERVER = "test-pg";
    static final Instant NOW = Instant.parse("2026-02-15T03:00:00Z");
    /** Worked out by hand: yearly 2025 and 2026, monthly Dec/Jan/Feb, weekly W04–W07. */
    static final Set<String> KEPT = Set.of("20251005T020000Z", "20251207T020000Z", "20260104T020000Z",
            "20260125T020000Z", "20260201T020000Z", "20260208T020000Z", "20260215T020000Z");

    @Inject
    TestClock clock;

    @Inject
    BackupService backups;

    @Inject
    RetentionService retention;

    @Inject
    VerifyService verifies;

    @Inject
    VaultStore vault;

    @Inject
    PgvaultConfig config;

    @Inject
    ObjectMapper json;

    static List<Instant> sundays() {
        List<Instant> out = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            out.add(LocalDate.of(2025, 10, 5).plusWeeks(i).atTime(2, 0).toInstant(ZoneOffset.UTC));
        }
        return out;
    }

    static Set<String> allIds() {
        return sundays().stream().map(t -> DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC)
                .format(t)).collect(Collectors.toCollection(TreeSet::new));
    }

    @BeforeAll
    void history() {
        TestServices.resetVault();
        TestServices.recreateDatabase("history_small");
        TestServices.sql("history_small", "CREATE TABLE t (id int PRIMARY KEY)", "INSERT INTO t SELECT generate_series(1, 1000)");
        for (Instant t : sundays()) {
            clock.set(t);
            backups.backup(BackupType.FULL);
        }
        clock.set(NOW);
    }

    @AfterAll
    void realTime() {
        clock.reset();
        TestServices.sql("postgres", "DROP DATABASE IF EXISTS history_small WITH (FORCE)");
    }

    Set<String> catalog() {
        return vault.catalog(SERVER).stream().map(Manifest::backupId).collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    @Order(1)
    void twentyRealWeeklyBackupsAreCommitted() {
        assertEquals(allIds(), catalog());
        assertEquals(20, TestServices.vaultBlobs().stream().filter(b -> b.contains("/.weeks/")).count(), "one claim per week");
    }

    @Test
    @Order(2)
    void theDryRunKeepsExactlyWhatThePolicySaysAndDeletesNothing() {
        int blobs = TestServices.vaultBlobs().size();
        RetentionService.Outcome o = retention.prune(SERVER, true);
        RetentionService.Plan plan = o.plan();
        assertEquals(NOW, plan.now());
        assertNull(plan.blockedBy());
        assertEquals(new TreeSet<>(KEPT), plan.kept().stream().map(RetentionService.Decision::backupId)
                .collect(Collectors.toCollection(TreeSet::new)));
        Set<String> gone = new TreeSet<>(allIds());
        gone.removeAll(KEPT);
        assertEquals(gone, plan.deletions().stream().map(RetentionService.Decision::backupId)
                .collect(Collectors.toCollection(TreeSet::new)));
        RetentionService.Decision newest = plan.backups().get(0);
        assertEquals("20260215T020000Z", newest.backupId());
        assertEquals("newest committed backup (never deleted)", newest.reasons().get(0));
        RetentionService.Decision nov9 = decision(plan, "20251109T020000Z");
        assertEquals(List.of("weekly: week 2025-W45 is older than the last 4 week(s)",
                "monthly: not the first backup of 2025-11", "yearly: not the first backup of 2025"), nov9.reasons());
        assertTrue(plan.cleanups().isEmpty(), "no dead runs: " + plan.cleanups());
        assertEquals(List.of(), o.deleted());
        assertEquals(allIds(), catalog(), "a dry run deletes nothing");
        assertEquals(blobs, TestServices.vaultBlobs().size());
    }

    @Test
    @Order(3)
    void nothingIsDeletedWhileTheNewestBackupFailedVerification() throws Exception {
        String roles = SERVER + "/20260215T020000Z/roles.sql";
        var blob = TestServices.vaultContainer().getBlobClient(roles);
        byte[] original = blob.downloadContent().toBytes();
        blob.upload(BinaryData.fromString("-- replaced by an attacker\n"), true);
        try {
            assertEquals(JobRecord.FAILED, verify().state());
            RetentionService.Outcome o = retention.prune(SERVER, false);
            assertTrue(o.plan().blockedBy().startsWith("the newest backup 20260215T020000Z failed verification (verify-"),
                    o.plan().blockedBy());
            assertEquals(List.of(), o.plan().deletions());
            assertTrue(decision(o.plan(), "20251109T020000Z").reasons().get(0).endsWith("but nothing is deleted: "
                    + o.plan().blockedBy()), decision(o.plan(), "20251109T020000Z").reasons().toString());
            assertEquals(allIds(), catalog(), "nothing deleted");
            VaultTap tap = new VaultTap();
            assertEquals(o.plan().blockedBy(), tapped(tap).plan(SERVER).blockedBy(), "the gate, from the status document");
            assertTrue(tap.sent().stream().noneMatch(r -> r.path().contains("/.jobs/")
                    || String.valueOf(r.query()).contains(".jobs")), "the gate reads no job record: " + tap.sent());
            assertTrue(tap.sent().stream().anyMatch(r -> r.path().endsWith("/.status/" + SERVER + ".json")), "it reads the status document");
        } finally {
            blob.upload(BinaryData.fromBytes(original), true);
        }
        assertEquals(JobRecord.SUCCEEDED, verify().state(), "the repaired backup verifies again");
        assertNull(retention.plan(SERVER).blockedBy(), "its newest verify succeeded: retention may go on");
    }

    @Test
    @Order(4)
    void backupsUnderAnImmutabilityPolicyOrLegalHoldAreKept() {
        String until = DateTimeFormatter.RFC_1123_DATE_TIME.format(Instant.now().plus(Duration.ofDays(30)).atOffset(ZoneOffset.UTC));
        VaultTap tap = new VaultTap(r -> {
            String path = VaultTap.path(r);
            if (r.getHttpMethod() == HttpMethod.HEAD && path.contains("/" + SERVER + "/20251102T020000Z/databases/")) {
                return Map.of("x-ms-immutability-policy-until-date", until, "x-ms-immutability-policy-mode", "locked");
            }
            if (r.getHttpMethod() == HttpMethod.HEAD && path.endsWith("/" + SERVER + "/20251116T020000Z/manifest.json")) {
                return Map.of("x-ms-legal-hold", "true");
            }
            return Map.of();
        });
        RetentionService.Plan plan = tapped(tap).plan(SERVER);
        RetentionService.Decision nov2 = decision(plan, "20251102T020000Z");
        assertTrue(!nov2.delete() && nov2.reasons().get(0).startsWith("immutability policy (Locked) on databases/"),
                nov2.reasons().toString());
        RetentionService.Decision nov16 = decision(plan, "20251116T020000Z");
        assertTrue(!nov16.delete() && nov16.reasons().get(0).startsWith("legal hold on manifest.json"), nov16.reasons().toString());
        assertEquals(20 - KEPT.size() - 2, plan.deletions().size());
        assertTrue(tap.sent().stream().anyMatch(s -> s.method() == HttpMethod.HEAD && s.status() == 200),
                "Azurite answered the property reads");
    }

    @Test
    @Order(5)
    void pruneDeletesManifestFirstThenFilesThenTheWeekClaim() {
        VaultTap tap = new VaultTap();
        RetentionService.Outcome o = tapped(tap).prune(SERVER, false);
        Set<String> gone = new TreeSet<>(allIds());
        gone.removeAll(KEPT);
        assertEquals(gone, new TreeSet<>(o.deleted()));
        assertEquals(List.of(), o.failures());
        assertEquals(new TreeSet<>(KEPT), catalog());
        List<String> blobs = TestServices.vaultBlobs();
        for (String id : gone) {
            assertTrue(blobs.stream().noneMatch(b -> b.startsWith(SERVER + "/" + id + "/")), id + " left files behind");
            List<String> deletes = tap.sent().stream().filter(s -> s.method() == HttpMethod.DELETE)
                    .map(VaultTap.Sent::path).filter(p -> p.contains(id) || p.contains("/.weeks/")).toList();
            int manifest = indexOf(deletes, "/" + id + "/manifest.json");
            int lastFile = -1;
            for (int i = 0; i < deletes.size(); i++) {
                if (deletes.get(i).contains("/" + id + "/") && !deletes.get(i).endsWith("/manifest.json")) {
                    lastFile = i;
                    assertTrue(i > manifest, "file deleted before the manifest: " + deletes.get(i));
                }
            }
            assertTrue(manifest >= 0 && lastFile > manifest, id + ": " + deletes);
        }
        // Claims: one per kept backup is left, each deleted backup's claim went after its files.
        assertEquals(KEPT.size(), blobs.stream().filter(b -> b.contains("/.weeks/")).count());
        List<String> order = tap.sent().stream().filter(s -> s.method() == HttpMethod.DELETE).map(VaultTap.Sent::path).toList();
        int claim = indexOf(order, "/.weeks/2025-W45.json");
        assertTrue(claim > indexOf(order, "/20251109T020000Z/roles.sql"), "the week claim goes last: " + order);
        assertTrue(KEPT.stream().allMatch(id -> blobs.stream().filter(b -> b.startsWith(SERVER + "/" + id + "/")).count() >= 3),
                "kept backups are whole");
    }

    @Test
    @Order(6)
    void theNewestBackupIsNeverDeletedEvenWhenNoRuleKeepsIt() {
        RetentionService.Plan plan = retention.plan(SERVER, new RetentionPolicy(1, 0, 0), NOW.plus(Duration.ofDays(3 * 365)));
        assertEquals(List.of("20260215T020000Z"), plan.kept().stream().map(RetentionService.Decision::backupId).toList());
        assertEquals(List.of("newest committed backup (never deleted)"), plan.kept().get(0).reasons());
        retention.apply(plan, false);
        assertEquals(Set.of("20260215T020000Z"), catalog());
    }

    JobRecord verify() throws InterruptedException {
        VerifyAccepted a = verifies.start(new VerifyRequest(SERVER, "latest", false));
        return verifies.await(SERVER, List.of(a.verifyId()), Duration.ofMinutes(2)).get(0);
    }

    RetentionService tapped(VaultTap tap) {
        VaultStore store = tap.store(config, json);
        return new RetentionService(config, store, new WeekClaims(store, config), new JobStore(store), verifies, clock);
    }

    static RetentionService.Decision decision(RetentionService.Plan plan, String id) {
        return plan.backups().stream().filter(d -> d.backupId().equals(id)).findFirst().orElseThrow();
    }

    static int indexOf(List<String> paths, String suffix) {
        for (int i = 0; i < paths.size(); i++) {
            if (paths.get(i).endsWith(suffix)) {
                return i;
            }
        }
        return -1;
    }
}
