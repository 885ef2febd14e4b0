package io.pgvault.drill;

import io.pgvault.config.PgvaultConfig;
import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import io.pgvault.fleet.SecretResolver;
import io.pgvault.testing.Errors;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The drill server's settings over the real SmallRye mapping (as the Functions host feeds them): none configured,
 * a bad port, a password login without a reference — each refused before any job or connection, with a HINT. The
 * Key Vault lookup is a stand-in that must not be called (no Key Vault here).
 */
class DrillServerSettingsTest {

    static PgvaultConfig config(Map<String, String> env) {
        Map<String, String> all = new HashMap<>(env);
        all.putIfAbsent("PGVAULT_SERVER_NAME", "pg1");
        SmallRyeConfig config = new SmallRyeConfigBuilder().withMapping(PgvaultConfig.class)
                .withSources(new EnvConfigSource(all, 300)).build();
        return config.getConfigMapping(PgvaultConfig.class);
    }

    static final SecretResolver NO_KEY_VAULT = new SecretResolver(uri -> {
        throw new AssertionError("Key Vault asked for " + uri);
    });

    @Test
    void noDrillServerIsABadSettingWithAHint() {
        PgvaultException e = Errors.assertKind(ErrorKind.BAD_SETTING,
                () -> DrillServer.configured(config(Map.of()), NO_KEY_VAULT));
        assertTrue(e.render().contains("PGVAULT_DRILL_SERVER_HOST is empty") && e.render().contains("HINT: Set "
                + "PGVAULT_DRILL_SERVER_HOST"), e.render());
    }

    @Test
    void aBadPortOrAPasswordWithoutReferenceIsRefusedAndNoPasswordIsEchoed() {
        PgvaultException port = Errors.assertKind(ErrorKind.BAD_SETTING, () -> DrillServer.configured(
                config(Map.of("PGVAULT_DRILL_SERVER_HOST", "drill.example.com", "PGVAULT_DRILL_SERVER_PORT", "abc")),
                NO_KEY_VAULT));
        assertEquals("PGVAULT_DRILL_SERVER_PORT=abc", port.evidence(), port.render());
        PgvaultException ref = Errors.assertKind(ErrorKind.INVALID_REQUEST, () -> DrillServer.configured(
                config(Map.of("PGVAULT_DRILL_SERVER_HOST", "drill.example.com", "PGVAULT_DRILL_SERVER_AUTH", "password",
                        "PGVAULT_DRILL_SERVER_PASSWORD_REF", "hunter2-not-a-reference")), NO_KEY_VAULT));
        assertTrue(ref.render().contains("HINT: "), ref.render());
        assertFalse(ref.render().contains("hunter2"), "a passwordRef that is no reference is not echoed: " + ref.render());
    }
}
