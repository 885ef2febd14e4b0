package io.pgvault.config;

import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import io.pgvault.testing.Errors;
import io.pgvault.vault.ImmutabilityMode;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Settings} over the real SmallRye mapping of {@link PgvaultConfig}, fed as the Functions host feeds it:
 * environment variables ({@code PGVAULT_...}, through SmallRye's own environment source). No Quarkus start: the
 * mapping itself must accept any text, and only {@link Settings} may refuse it.
 */
class SettingsTest {

    static PgvaultConfig config(Map<String, String> env) {
        Map<String, String> all = new HashMap<>(env);
        all.putIfAbsent("PGVAULT_SERVER_NAME", "pg1");
        SmallRyeConfig config = new SmallRyeConfigBuilder().withMapping(PgvaultConfig.class)
                .withSources(new EnvConfigSource(all, 300)).build();
        return config.getConfigMapping(PgvaultConfig.class);
    }

    static Settings settings(Map<String, String> env) {
        return new Settings(config(env));
    }

    @Test
    void theDefaultsAreUsable() {
        Settings s = settings(Map.of());
        assertEquals(List.of(), s.problems());
        assertEquals(5432, s.pgPort());
        assertEquals(PgAuth.PASSWORD, s.pgAuth());
        assertEquals(SslMode.PREFER, s.pgSslMode());
        assertEquals(VaultTier.HOT, s.vaultAccessTier());
        assertEquals(ImmutabilityMode.UNLOCKED, s.immutabilityMode());
        assertEquals(new Compression.Choice(Compression.ZSTD, 1), s.compression());
        assertEquals(Duration.ofMillis(500), s.retryDelay());
        assertEquals(Duration.ofHours(12), s.backupTimeout());
        assertEquals(1099511627776L, s.maxServerSizeBytes());
        assertTrue(s.pruneAfterBackup());
        assertEquals(50_000, s.maxBlocks());
        assertEquals(Duration.ofHours(24), s.timeBudget());
        assertEquals(400, s.jobsRetentionDays());
        assertEquals(5, s.queueMaxDequeueCount());
        assertEquals(Duration.ofMinutes(5), s.queueRetryDelay());
        assertEquals(8, s.watchOverdueDays());
        assertEquals(1L << 30, s.exactCountMaxBytes());
        assertEquals(5432, s.drillPort());
        assertEquals(SslMode.REQUIRE, s.drillSslMode());
        assertEquals(PgAuth.ENTRA, s.drillAuth());
        assertEquals(List.of("*.postgres.database.azure.com"), s.fleetAllowedHosts());
    }

    @Test
    void everyTypedSettingRefusesTextWithItsNameValueAndHint() {
        assertEquals(35, Settings.typedNames().size(), "every non-text setting is typed: " + Settings.typedNames());
        for (String name : Settings.typedNames()) {
            Settings s = settings(Map.of(name, "abc"));
            List<PgvaultException> problems = s.problems();
            assertEquals(1, problems.size(), name + ": " + problems);
            PgvaultException e = problems.get(0);
            assertEquals(ErrorKind.BAD_SETTING, e.kind(), e.render());
            assertEquals(500, e.httpStatus());
            assertTrue(e.problem().contains(name), e.render());
            assertEquals(name + "=abc", e.evidence(), e.render());
            assertTrue(e.render().contains("\nHINT: Set " + name + " to "), e.render());
        }
    }

    @Test
    void anEmptyValueIsReportedNotAStartFailure() {
        PgvaultException e = Errors.assertKind(ErrorKind.BAD_SETTING,
                () -> settings(Map.of("PGVAULT_VAULT_CLAIM_LEASE_SECONDS", "")).claimLeaseSeconds());
        assertTrue(e.problem().contains("PGVAULT_VAULT_CLAIM_LEASE_SECONDS is empty"), e.render());
        assertTrue(e.hint().contains("from 15 to 60"), e.render());
    }

    @Test
    void anEmptyTextSettingFailsItsUseAndIsListed() {
        Settings s = settings(Map.of("PGVAULT_VAULT_CONTAINER", " "));
        List<PgvaultException> problems = s.problems();
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).render().contains("The app setting PGVAULT_VAULT_CONTAINER is empty."),
                problems.get(0).render());
        assertEquals("pgvault", config(Map.of()).vault().container(), "unset: the default");
        Errors.assertKind(ErrorKind.BAD_SETTING, () -> config(Map.of("PGVAULT_VAULT_CONTAINER", "")).vault().container());
        PgvaultException verify = settings(Map.of("PGVAULT_RESTORE_VERIFY", "md5")).problems().get(0);
        assertTrue(verify.render().contains("PGVAULT_RESTORE_VERIFY=\"md5\""), verify.render());
        assertEquals("verify-full", settings(Map.of("PGVAULT_PG_SSLMODE", "VERIFY-FULL")).pgSslMode().toString());
    }

    @Test
    void rangesAreChecked() {
        PgvaultException lease = Errors.assertKind(ErrorKind.BAD_SETTING,
                () -> settings(Map.of("PGVAULT_VAULT_CLAIM_LEASE_SECONDS", "10")).claimLeaseSeconds());
        assertTrue(lease.render().contains("out of range"), lease.render());
        assertTrue(lease.hint().contains("from 15 to 60"), lease.render());
        Errors.assertKind(ErrorKind.BAD_SETTING, () -> settings(Map.of("PGVAULT_PG_PORT", "70000")).pgPort());
        Errors.assertKind(ErrorKind.BAD_SETTING, () -> settings(Map.of("PGVAULT_BACKUP_TIMEOUT", "PT0S")).backupTimeout());
        Errors.assertKind(ErrorKind.BAD_SETTING, () -> settings(Map.of("PGVAULT_BACKUP_COMPRESSION", "zstd:20")).compression());
        Errors.assertKind(ErrorKind.BAD_SETTING, () -> settings(Map.of("PGVAULT_BACKUP_COMPRESSION", "none:3")).compression());
        Errors.assertKind(ErrorKind.BAD_SETTING, () -> settings(Map.of("PGVAULT_RETENTION_WEEKLY_WEEKS", "0")).weeklyWeeks());
    }

    @Test
    void theDocumentedSpellingsAreAccepted() {
        Settings s = settings(Map.of("PGVAULT_BACKUP_COMPRESSION", " GZIP:9 ", "PGVAULT_VAULT_ACCESS_TIER", "cool",
                "PGVAULT_PG_AUTH", "Entra", "PGVAULT_VAULT_RETRY_DELAY", "30s", "PGVAULT_BACKUP_LOCK_WAIT_TIMEOUT", "PT3S",
                "PGVAULT_VAULT_IMMUTABILITY_MODE", "locked", "PGVAULT_RETENTION_PRUNE_AFTER_BACKUP", "FALSE",
                "PGVAULT_BACKUP_BLOCK_SIZE_BYTES", "262144"));
        assertEquals(List.of(), s.problems());
        assertEquals(new Compression.Choice(Compression.GZIP, 9), s.compression());
        assertEquals(List.of("http://127.0.0.1:10000/pgvaulttarget", "https://x.blob.core.windows.net"), settings(Map.of(
                "PGVAULT_RESTORE_ALLOWED_ENDPOINTS", "http://127.0.0.1:10000/pgvaulttarget, https://x.blob.core.windows.net"))
                .restoreAllowedEndpoints());
        assertEquals(VaultTier.COOL, s.vaultAccessTier());
        assertEquals(PgAuth.ENTRA, s.pgAuth());
        assertEquals(Duration.ofSeconds(30), s.retryDelay());
        assertEquals(Duration.ofSeconds(3), s.lockWaitTimeout());
        assertEquals(ImmutabilityMode.LOCKED, s.immutabilityMode());
        assertFalse(s.pruneAfterBackup());
        assertEquals(262144, s.blockSizeBytes());
        // Archive is a tier Azure knows: it parses, and the support matrix refuses it with its own rule.
        assertEquals(VaultTier.ARCHIVE, settings(Map.of("PGVAULT_VAULT_ACCESS_TIER", "Archive")).vaultAccessTier());
    }

    /** The sample every developer copies to local.settings.json is usable as it is. */
    @Test
    void theLocalSettingsSampleIsUsable() throws Exception {
        var values = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(java.nio.file.Path.of("local.settings.sample.json").toFile()).get("Values");
        Map<String, String> env = new HashMap<>();
        values.fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        assertTrue(env.containsKey("PGVAULT_BACKUP_COMPRESSION"), env.toString());
        assertEquals(List.of(), settings(env).problems());
    }

    @Test
    void checkNamesEveryBadSettingWithItsHint() {
        Settings s = settings(Map.of("PGVAULT_PG_PORT", "five", "PGVAULT_BACKUP_COMPRESSION", "lz4",
                "PGVAULT_VAULT_RETRY_DELAY", "soon\u0007"));
        PgvaultException e = Errors.assertKind(ErrorKind.BAD_SETTING, s::check);
        String text = e.render();
        assertTrue(e.problem().startsWith("3 app settings"), text);
        for (String line : List.of("- PGVAULT_PG_PORT=five: ", "- PGVAULT_BACKUP_COMPRESSION=lz4: ",
                "- PGVAULT_VAULT_RETRY_DELAY=soon\\u0007: ")) {
            assertTrue(text.contains(line), line + " in:\n" + text);
        }
        assertEquals(3, text.split("HINT: Set ", -1).length - 1, "one HINT per setting:\n" + text);
        assertFalse(text.contains("\u0007"), "control characters are escaped");
    }
}
