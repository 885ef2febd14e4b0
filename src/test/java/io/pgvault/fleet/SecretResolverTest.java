package io.pgvault.fleet;

import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.Redactor;
import io.pgvault.testing.TestServices;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.pgvault.testing.Errors.assertKind;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How password references resolve. Key Vault is MOCKED here (a function standing in for the REST call; there is
 * no Key Vault locally): the test checks which URI pgvault asks for and that the value is redacted afterwards.
 * The env:VAR path is real (the test environment's PGVAULT_PG_PASSWORD).
 */
class SecretResolverTest {

    @Test
    void anEnvironmentReferenceResolvesToTheVariable() {
        SecretResolver r = new SecretResolver(uri -> {
            throw new AssertionError("Key Vault asked for " + uri);
        });
        assertEquals(TestServices.password(), r.resolve("env:PGVAULT_PG_PASSWORD"));
    }

    @Test
    void aKeyVaultReferenceIsReadFromKeyVaultAndRedactedAfterwards() {
        List<String> asked = new ArrayList<>();
        String value = "kv-secret-value-" + System.nanoTime();
        SecretResolver r = new SecretResolver(uri -> {
            asked.add(uri);
            return value;
        });
        String uri = "https://pgvault-kv.vault.azure.net/secrets/pg-fleet-b";
        assertEquals(value, r.resolve(uri));
        assertEquals(List.of(uri), asked);
        assertFalse(Redactor.redact("login failed for " + value).contains(value));
    }

    @Test
    void anythingElseIsRefusedWithoutEchoingIt() {
        for (String bad : List.of("hunter2", "https://evil.example.com/secrets/x", "env:PATH", "env:AzureWebJobsStorage",
                "https://kv.vault.azure.net/keys/k")) {
            var e = assertKind(ErrorKind.INVALID_REQUEST, () -> SecretResolver.checkReference(bad), bad);
            assertTrue(e.hint().contains("env:"), e.render());
            if (!bad.startsWith("env:")) {
                assertFalse(e.render().contains(bad), e.render());
            }
        }
    }
}
