package io.pgvault.testing;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.pgvault.backup.BackupPreflight;
import io.pgvault.backup.BackupService;
import io.pgvault.backup.DatabaseDumps;
import io.pgvault.config.PgvaultConfig;
import io.pgvault.jobs.JobStore;
import io.pgvault.matrix.BackupType;
import io.pgvault.postgres.PgConnections;
import io.pgvault.postgres.PgCredentials;
import io.pgvault.postgres.PgTools;
import io.pgvault.postgres.ServerInspector;
import io.pgvault.retention.AfterCommit;
import io.pgvault.retention.ImmutabilityService;
import io.pgvault.retention.RetentionService;
import io.pgvault.vault.VaultClients;
import io.pgvault.vault.VaultStore;
import io.pgvault.vault.WeekClaims;
import io.pgvault.verify.ScratchRestore;
import io.pgvault.verify.VerifyService;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

import java.time.Clock;

/**
 * {@code pgvault backup} as a separate OS process that a test can {@code kill -9}: the app's own
 * BackupService and everything under it, wired by hand (no Quarkus: the packaged runner jar that
 * {@code bin/pgvault} runs does not exist yet in Maven's test phase), configured from PGVAULT_* like the CLI.
 * Run as {@code java -cp <test classpath> io.pgvault.testing.BackupProcess}.
 */
public final class BackupProcess {

    private BackupProcess() {
    }

    public static void main(String[] args) {
        SmallRyeConfig cfg = new SmallRyeConfigBuilder().addDefaultSources().addDefaultInterceptors()
                .withMapping(PgvaultConfig.class).withValidateUnknown(false).build();
        PgvaultConfig config = cfg.getConfigMapping(PgvaultConfig.class);
        // The JSON settings Quarkus gives its ObjectMapper: ISO-8601 instants, unknown fields ignored.
        ObjectMapper json = JsonMapper.builder().findAndAddModules()
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
        PgCredentials credentials = new PgCredentials(config);
        PgConnections connections = new PgConnections(config, credentials);
        ServerInspector inspector = new ServerInspector(config, connections);
        PgTools tools = new PgTools(config, credentials);
        VaultStore vault = new VaultStore(new VaultClients(config), config, json);
        WeekClaims weeks = new WeekClaims(vault, config);
        JobStore jobs = new JobStore(vault);
        Clock clock = Clock.systemUTC();
        VerifyService verifies = new VerifyService(config, vault, jobs, tools, new ScratchRestore(config, tools, connections, vault));
        AfterCommit afterCommit = new AfterCommit(config, new ImmutabilityService(config, vault, clock),
                new RetentionService(config, vault, weeks, jobs, verifies, clock), jobs, clock);
        var result = new BackupService(config, new BackupPreflight(config, inspector, tools, weeks),
                new DatabaseDumps(config, tools, vault), vault, weeks, jobs, clock, afterCommit).backup(BackupType.FULL);
        System.out.println("backup " + result.manifest().backupId() + " committed");
        System.exit(0);
    }
}
