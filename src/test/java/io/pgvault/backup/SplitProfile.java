package io.pgvault.backup;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/** The test configuration with databases over 300 kB dumped in parts (so every test database of some size is). */
public class SplitProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("pgvault.backup.split-database-bytes", "300000");
    }
}
