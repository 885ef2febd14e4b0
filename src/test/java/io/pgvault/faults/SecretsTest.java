package io.pgvault.faults;

import io.pgvault.testing.TestServices;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The secret grep of the fault suite finds what it must find, and lets masked values pass. */
@Tag("faults")
class SecretsTest {

    final Secrets secrets = new Secrets().add("made-up-password");

    @Test
    void findsEachKindOfSecret() {
        assertThrows(AssertionError.class, () -> secrets.assertClean("t", "login with " + TestServices.password()));
        assertThrows(AssertionError.class, () -> secrets.assertClean("t", "key " + Secrets.azuriteKey()));
        assertThrows(AssertionError.class, () -> secrets.assertClean("t",
                "key " + java.net.URLEncoder.encode(Secrets.azuriteKey(), java.nio.charset.StandardCharsets.UTF_8)));
        assertThrows(AssertionError.class, () -> secrets.assertClean("t", "password made-up-password"));
        assertThrows(AssertionError.class, () -> secrets.assertClean("t", "GET /c?sv=2024&sig=abcDEF123%3D&se=1"));
        assertThrows(AssertionError.class, () -> secrets.assertClean("t", "{\"url\":\"https://a/c?sig=abc\"}"));
    }

    @Test
    void acceptsMaskedValues() {
        assertDoesNotThrow(() -> secrets.assertClean("t", "GET /c?sv=2024&sig=***&se=1 AccountKey=*** password=***"));
        assertDoesNotThrow(() -> secrets.assertClean("t", "the target http://x/c?<SAS>; signature checks"));
    }
}
