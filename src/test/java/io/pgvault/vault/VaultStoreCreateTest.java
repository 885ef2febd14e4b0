package io.pgvault.vault;

import io.pgvault.errors.ErrorKind;
import io.pgvault.testing.Errors;
import io.pgvault.testing.TestServices;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The two create-only writes, against real Azurite. A retry that finds its own bytes may count as created only
 * for documents no other run can produce (manifest, week claim); for the others (job records, restore markers)
 * equal bytes written by someone else must still be a conflict, or two runs would both think they were first.
 */
@QuarkusTest
class VaultStoreCreateTest {

    @Inject
    VaultStore vault;

    static String path() {
        return "vault-store-test/" + UUID.randomUUID() + ".json";
    }

    String stored(String path) {
        return TestServices.vaultContainer().getBlobClient(path).downloadContent().toString();
    }

    @Test
    void createJsonRefusesAnExistingBlobEvenWithTheSameBytes() {
        String path = path();
        Map<String, String> doc = Map.of("id", "job-1");
        vault.createJson(path, doc);
        Errors.assertKind(ErrorKind.CONFLICT, () -> vault.createJson(path, doc));
        Errors.assertKind(ErrorKind.CONFLICT, () -> vault.createJson(path, Map.of("id", "job-2")));
        assertEquals("job-1", vault.readJson(path, Map.class).orElseThrow().value().get("id"));
    }

    @Test
    void createOwnJsonTakesItsOwnBytesForDoneAndAnythingElseForAConflict() {
        String path = path();
        Map<String, String> doc = Map.of("backupId", "20261125T000000Z");
        vault.createOwnJson(path, doc);
        String first = stored(path);
        vault.createOwnJson(path, doc); // what a retry after a lost answer does: the same bytes are there
        assertEquals(first, stored(path));
        Errors.assertKind(ErrorKind.CONFLICT, () -> vault.createOwnJson(path, Map.of("backupId", "20261125T000001Z")));
        assertEquals(first, stored(path), "the other run's document is left as it was");
    }
}
