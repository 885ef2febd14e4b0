package io.pgvault.fleet;

import io.pgvault.backup.BackupService;
import io.pgvault.backup.BackupTrigger;
import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import io.pgvault.matrix.Placement;
import io.pgvault.testing.TestServices;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.pgvault.testing.Errors.assertKind;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A registered server gets pgvault's credentials (the managed identity's Entra token, a Key Vault password), so only
 * hosts in PGVAULT_FLEET_ALLOWED_HOSTS are ever contacted: the attack is registering a collector of one's own. The
 * local run allows 127.0.0.1 and localhost (scripts/services.sh); the collector is a {@code .invalid} name, which
 * never resolves, so even a broken check would send nothing off this machine.
 */
@QuarkusTest
class HostAllowListTest {

    static final String COLLECTOR = "collector.invalid";

    @Inject
    ServerRegistry registry;

    @Inject
    BackupService backups;

    @BeforeEach
    void emptyVault() {
        TestServices.resetVault();
    }

    @Test
    void patternsMatchWholeHostsAndDomainSuffixesOnly() {
        List<String> azure = List.of("*.postgres.database.azure.com", "10.0.0.5");
        assertTrue(HostAllowList.allows(azure, "pg1.postgres.database.azure.com"));
        assertTrue(HostAllowList.allows(azure, "PG1.Postgres.Database.Azure.Com"));
        assertTrue(HostAllowList.allows(azure, "10.0.0.5"));
        assertFalse(HostAllowList.allows(azure, "postgres.database.azure.com"), "the bare domain is not a server");
        assertFalse(HostAllowList.allows(azure, "evilpostgres.database.azure.com"), "a suffix starts at a dot");
        assertFalse(HostAllowList.allows(azure, "pg1.postgres.database.azure.com.collector.invalid"));
        assertFalse(HostAllowList.allows(azure, "10.0.0.50"));
        assertFalse(HostAllowList.allows(azure, null));
    }

    @Test
    void registeringAHostOutsideTheListIsRefusedBeforeAnyConnectionAndNothingIsStored() {
        Response r = FleetHttp.protect(FleetHttp.with(FleetHttp.with(FleetHttp.a(), "host", COLLECTOR), "force", true));
        assertEquals(400, r.statusCode(), r.asString());
        String message = r.jsonPath().getString("message");
        assertTrue(message.contains(COLLECTOR) && message.contains("PGVAULT_FLEET_ALLOWED_HOSTS")
                && message.contains("HINT:"), message);
        assertTrue(TestServices.vaultBlobs().stream().noneMatch(b -> b.startsWith(ServerRegistry.PREFIX)),
                "nothing registered, even with force");
    }

    @Test
    void aStoredEntryNamingAHostOutsideTheListIsRefusedBeforeItsSecretIsRead() {
        // As if written by hand, or registered before the list shrank: the registry's own checks are bypassed.
        ServerEntry planted = new ServerEntry("fleet-planted", COLLECTOR, 5432, "postgres", "postgres",
                AuthMode.PASSWORD, "env:PGVAULT_SECRET_NOT_SET", "disable", Placement.unknown(),
                Fleet.a().policy(), ProtectionState.PROTECTED, false);
        registry.create(planted);
        // Had the secret been resolved first, this would be a configuration error about the missing variable.
        PgvaultException e = assertKind(ErrorKind.INVALID_REQUEST,
                () -> backups.backup(planted, BackupTrigger.QUEUE));
        assertTrue(e.evidence().contains(COLLECTOR) && e.evidence().contains("PGVAULT_FLEET_ALLOWED_HOSTS"), e.evidence());
    }
}
