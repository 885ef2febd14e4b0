package io.pgvault.faults;

import io.pgvault.backup.BackupService;
import io.pgvault.errors.PgvaultException;
import io.pgvault.matrix.BackupType;
import io.pgvault.testing.HoldingProxy;
import io.pgvault.testing.TestServices;
import io.pgvault.vault.BackupLayout;
import io.pgvault.vault.Manifest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fault 3: Azurite stopped mid-upload, then restarted. The vault clients use the SDK's retry policy
 * ({@code VaultClients.retryOptions}, pgvault.vault.retry-max-tries / retry-delay); a backup either completes — every file of its manifest present and
 * matching its SHA-256 — or fails cleanly. Never a manifest without all its files.
 *
 * <p>The vault is reached through a {@link HoldingProxy} that holds a Put Block of the big dump until Azurite is
 * down, so the outage certainly meets the stream: the held request fails with Azurite, the SDK's retries find no
 * Azurite (connections the relay counts as refused), and the same request (its {@code x-ms-client-request-id})
 * goes through once Azurite is back.
 */
@QuarkusTest
@TestProfile(AzuriteOutageTest.ThroughTheRelay.class)
class AzuriteOutageTest extends FaultTestBase {

    static final String BIG = "faults_azurite_big";
    static final String PORT_PROPERTY = "faults.outage.port";

    /** The vault is reached through the relay. */
    public static class ThroughTheRelay extends FaultsProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pgvault.vault.connection-string",
                    HoldingProxy.relayedConnectionString(HoldingProxy.port(PORT_PROPERTY)));
        }
    }

    HoldingProxy relay;

    @BeforeEach
    void startRelay() throws IOException {
        relay = HoldingProxy.startInFrontOfAzurite(HoldingProxy.port(PORT_PROPERTY));
    }

    @AfterEach
    void cleanUp() {
        relay.close();
        Azurite.start(); // whatever happened, the other tests need it
        Databases.dropEverywhere(BIG);
    }

    @Test
    void briefOutageMidUploadIsRiddenOutByTheSdkRetries() throws Exception {
        Snapshot earlier = freshVaultWithEarlierBackup();
        Databases.createBig(BIG, 48);
        relay.hold(head -> isPutBlock(head) && head.contains("_" + BIG));
        var run = async(() -> backups.backup(BackupType.FULL));
        await("a Put Block of " + BIG + "'s dump held at the relay", Duration.ofMinutes(1), () -> relay.heldCopies() > 0);
        HoldingProxy.Request held = relay.requests().stream().filter(r -> "PUT".equals(r.method()) && r.query() != null
                && List.of(r.query().split("&")).contains("comp=block") && r.path().contains("_" + BIG)).findFirst()
                .orElseThrow();
        String heldId = held.header("x-ms-client-request-id");
        assertNotNull(heldId, held.toString());

        long t0 = System.nanoTime();
        Azurite.stop();
        // the backup was streaming when Azurite went: its dump's block is still in flight, nothing committed
        assertFalse(run.isDone(), "the backup still runs while Azurite is down");
        assertTrue(Databases.copyingBackend(BIG).isPresent(), "pg_dump of " + BIG + " still copies data");
        relay.release(); // the held request goes on to an Azurite that is gone
        await("a retry that finds no Azurite", Duration.ofMinutes(1), () -> relay.refusedConnections() > 0);
        Azurite.start();
        System.out.printf("Azurite was down for %.1f s; %d connection(s) refused meanwhile%n",
                (System.nanoTime() - t0) / 1e9, relay.refusedConnections());

        BackupService.BackupResult r;
        try {
            r = run.get(3, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
            throw new AssertionError("a 5-second outage is within the SDK's retries; the backup failed: "
                    + (e.getCause() instanceof PgvaultException p ? p.render() : e.getCause()), e.getCause());
        }
        long sends = relay.requests().stream().filter(q -> heldId.equals(q.header("x-ms-client-request-id"))).count();
        assertTrue(sends >= 2, "the held Put Block was sent again after the outage (same request id " + heldId
                + "): " + sends + " time(s)");
        Manifest m = r.manifest();
        assertTrue(m.databaseFiles().stream().anyMatch(f -> f.database().equals(BIG)));
        assertCompleteBackup(m);
        assertIntact(earlier);
    }

    /** A Put Block (not a Put Block List) by its lower-cased head. */
    static boolean isPutBlock(String head) {
        String line = head.lines().findFirst().orElse("");
        return line.startsWith("put ") && line.matches(".*[?&]comp=block(&| ).*");
    }

    /** Every file the manifest lists exists and matches its size and SHA-256; nothing else is under the prefix. */
    static void assertCompleteBackup(Manifest m) {
        String prefix = BackupLayout.backupPrefix(SERVER, m.backupId());
        var names = blobsUnder(prefix);
        assertEquals(m.files().size() + 1, names.size(), "the manifest and exactly its files: " + names);
        assertIntact(new Snapshot(m.backupId(), m, TestServices.vaultContainer()
                .getBlobClient(prefix + BackupLayout.MANIFEST).downloadContent().toBytes(), names));
    }
}
