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
import io.pgvault.vault.BackupLayout;
import io.pgvault.vault.ImmutabilityMode;
import io.pgvault.vault.Manifest;
import io.pgvault.vault.VaultStore;
import io.pgvault.vault.WeekClaims;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a weekly run does after its manifest commit, on real backups in Azurite: the immutability step
 * (Azurite does not support it, so the backup must succeed with a WARNING in its job record), then retention
 * (weekly 2) — after every run the vault holds exactly the last two weeks — including the sweep of a dead run
 * of an earlier week. The immutability request itself is checked as sent, stub-free: {@link VaultTap} records
 * the real requests pgvault sends to Azurite ({@code comp=immutabilityPolicies}, the until-date and mode
 * headers) and Azurite's real answer.
 */
@QuarkusTest
@TestProfile(RetentionAfterBackupTest.Weekly.class)
class RetentionAfterBackupTest {

    /** Test clock, weekly 2 weeks only, prune after each backup, immutability 7 days. */
    public static class Weekly implements QuarkusTestProfile {
        @Override
        public Set<Class<?>> getEnabledAlternatives() {
            return Set.of(TestClock.class);
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pgvault.retention.weekly-weeks", "2", "pgvault.retention.monthly-months", "0",
                    "pgvault.retention.yearly-years", "0", "pgvault.retention.prune-after-backup", "true",
                    "pgvault.vault.immutability-days", "7");
        }
    }

    static final String SERVER = "test-pg";
    /** A run in week 2026-W08 that died: no backup of the history is in that week. */
    static final Instant DEAD_RUN = Instant.parse("2026-02-20T02:00:00Z");

    @Inject
    TestClock clock;

    @Inject
    BackupService backups;

    @Inject
    VaultStore vault;

    @Inject
    JobStore jobs;

    @Inject
    PgvaultConfig config;

    @Inject
    ObjectMapper json;

    @AfterEach
    void realTime() {
        clock.reset();
    }

    @AfterAll
    static void dropDatabase() {
        TestServices.sql("postgres", "DROP DATABASE IF EXISTS after_small WITH (FORCE)");
    }

    static String id(Instant t) {
        return DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(t);
    }

    @Test
    void eachSuccessfulRunKeepsTheLastTwoWeeksWarnsAboutImmutabilityAndSweepsDeadRuns() {
        TestServices.resetVault();
        TestServices.recreateDatabase("after_small");
        TestServices.sql("after_small", "CREATE TABLE t (id int)", "INSERT INTO t VALUES (1)");
        List<Instant> sundays = java.util.stream.IntStream.range(0, 5)
                .mapToObj(i -> LocalDate.of(2026, 3, 1).plusWeeks(i).atTime(2, 0).toInstant(ZoneOffset.UTC)).toList();
        for (int i = 0; i < sundays.size(); i++) {
            if (i == 3) {
                leaveDeadRunOf(DEAD_RUN);
            }
            clock.set(sundays.get(i));
            BackupService.BackupResult r = backups.backup(BackupType.FULL);
            assertEquals(JobRecord.SUCCEEDED, r.job().state());
            Set<String> expected = new TreeSet<>();
            for (int k = Math.max(0, i - 1); k <= i; k++) {
                expected.add(id(sundays.get(k)));
            }
            assertEquals(expected, catalog(), "after run " + i);
            JobRecord saved = jobs.get(SERVER, "backup-" + r.manifest().backupId());
            assertEquals(JobRecord.SUCCEEDED, saved.state(), "a failed immutability step does not fail the backup");
            assertTrue(saved.warnings().stream().anyMatch(w -> w.startsWith("WARNING: the immutability policy (Unlocked, "
                    + "7 days) could not be set on " + (r.manifest().files().size() + 1) + " of " + (r.manifest().files().size() + 1)
                    + " blob(s) of backup " + r.manifest().backupId()) && w.contains("HINT: enable blob versioning")),
                    saved.warnings().toString());
        }
        // The dead run of an earlier week (not the week of the run that found it) was swept by retention.
        String dead = id(DEAD_RUN);
        JobRecord deadJob = jobs.get(SERVER, "backup-" + dead);
        assertEquals(JobRecord.INTERRUPTED, deadJob.state());
        assertTrue(deadJob.error().message().contains("interrupted before its manifest"), deadJob.error().message());
        List<String> blobs = TestServices.vaultBlobs();
        assertTrue(blobs.stream().noneMatch(b -> b.startsWith(SERVER + "/" + dead + "/")), "its partial files are gone");
        assertTrue(!blobs.contains(SERVER + "/.weeks/2026-W08.json"), "its claim is gone");
        // Old weeks' claims go with their backups: only the two kept weeks hold claims.
        assertEquals(2, TestServices.vaultBlobs().stream().filter(b -> b.contains("/.weeks/")).count());
    }

    /**
     * What a run killed in an earlier week leaves (its claim, a partial file, a Running job), written the way
     * the run writes them; the real kill -9 of a real process is in InterruptedBackupTest.
     */
    void leaveDeadRunOf(Instant start) {
        String id = id(start);
        String week = WeekClaims.isoWeek(start);
        vault.createJson(BackupLayout.weekClaimPath(SERVER, week), new WeekClaims.ClaimDocument(id, week, start));
        TestServices.vaultContainer().getBlobClient(BackupLayout.backupPrefix(SERVER, id) + "roles.sql")
                .upload(BinaryData.fromString("-- partial"), true);
        jobs.save(jobs.start("backup-" + id, JobRecord.KIND_BACKUP, SERVER, JobRecord.RUNNING, id, null));
    }

    @Test
    void theImmutabilityRequestCarriesThePolicyAndAzuriteAnswersForReal() {
        TestServices.resetVault();
        clock.set(Instant.parse("2026-06-07T02:00:00Z"));
        Manifest m = backups.backup(BackupType.FULL).manifest();
        VaultTap tap = new VaultTap();
        VaultStore store = tap.store(config, json);
        Instant now = Instant.parse("2026-06-07T02:05:00Z");
        List<String> warnings = new ImmutabilityService(config, store, clock).protect(m, 30, ImmutabilityMode.LOCKED, now);
        List<VaultTap.Sent> puts = tap.sent().stream()
                .filter(s -> s.method() == HttpMethod.PUT && s.query() != null && s.query().contains("comp=immutabilityPolicies"))
                .toList();
        Set<String> blobs = puts.stream().map(s -> s.path().substring(s.path().indexOf("/" + SERVER + "/") + 1))
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> expected = new TreeSet<>();
        m.files().forEach(f -> expected.add(SERVER + "/" + m.backupId() + "/" + f.path()));
        expected.add(SERVER + "/" + m.backupId() + "/manifest.json");
        assertEquals(expected, blobs, "one Set Blob Immutability Policy request per blob, manifest included");
        for (VaultTap.Sent s : puts) {
            assertEquals("Tue, 07 Jul 2026 02:05:00 GMT", s.headers().get("x-ms-immutability-policy-until-date"));
            assertEquals("Locked", s.headers().get("x-ms-immutability-policy-mode"));
        }
        int status = puts.get(0).status();
        assertTrue(status >= 400, "Azurite refuses the request (it has no immutability support): " + status);
        assertEquals(1, warnings.size());
        assertTrue(warnings.get(0).contains("could not be set on " + expected.size() + " of " + expected.size()
                + " blob(s)") && warnings.get(0).contains("status " + status), warnings.get(0));
    }

    Set<String> catalog() {
        return vault.catalog(SERVER).stream().map(Manifest::backupId).collect(Collectors.toCollection(TreeSet::new));
    }
}
