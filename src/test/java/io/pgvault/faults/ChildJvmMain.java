package io.pgvault.faults;

import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;

import java.io.PrintWriter;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * Main class of a second pgvault JVM ({@link ChildJvm}): runs {@link PgvaultCliRun} through the JUnit launcher,
 * which boots the application the way the test JVM does and runs one {@code bin/pgvault} command in it.
 */
public final class ChildJvmMain {

    private ChildJvmMain() {
    }

    public static void main(String[] args) {
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(PgvaultCliRun.class)).build();
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        LauncherFactory.create().execute(request, summary);
        PrintWriter out = new PrintWriter(System.out, true);
        summary.getSummary().printFailuresTo(out, 30);
        out.flush();
        System.exit(summary.getSummary().getTestsSucceededCount() == 1 ? 0 : 70);
    }
}
