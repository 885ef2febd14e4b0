package io.pgvault.faults;

import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * Main class of a second pgvault JVM ({@link ChildJvm}, and the killed backup process of
 * {@code io.pgvault.backup.InterruptedBackupTest}): runs {@link PgvaultCliRun} through the JUnit launcher, which
 * boots the application the way the test JVM does and runs {@code bin/pgvault} commands in it.
 */
public final class ChildJvmMain {

    private ChildJvmMain() {
    }

    /**
     * The command of a JVM that runs each of {@code runs} (the arguments of one {@code bin/pgvault} command each,
     * space-separated) in turn: this JVM's java and test classpath, main class {@link ChildJvmMain}.
     */
    public static List<String> command(List<String> runs) {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx512m", "-XX:TieredStopAtLevel=1",
                "-Djava.util.logging.manager=org.jboss.logmanager.LogManager"));
        for (int i = 0; i < runs.size(); i++) {
            cmd.add("-Dfaults.child.args." + (i + 1) + "=" + runs.get(i));
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), ChildJvmMain.class.getName()));
        return cmd;
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
