package io.pgvault.faults;

import io.pgvault.testing.TestClock;
import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;
import java.util.Set;

/**
 * The profile of the fault suite: the test configuration plus a {@link TestClock}. Subclasses add the
 * configuration of one fault (a closed port, a wrong key...); each is its own Quarkus start.
 */
public class FaultsProfile implements QuarkusTestProfile {

    @Override
    public Set<Class<?>> getEnabledAlternatives() {
        return Set.of(TestClock.class);
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of();
    }
}
