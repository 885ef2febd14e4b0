package io.pgvault.faults;

import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs in a {@link ChildJvm}: {@code bin/pgvault} commands (the real {@code PgvaultMain} and its picocli commands),
 * one after the other, each a fresh start of the application. Run {@code i}'s arguments are in system property
 * {@code faults.child.args.<i>}; its extra settings ({@code key=value} lines) in environment variable
 * {@code FAULTS_CHILD_CONFIG_<i>}, applied as system properties for that run only (so that no credential appears
 * on a command line). Prints {@code CHILD-EXIT <i> <code>} after each run. Not a test of its own (surefire does
 * not pick it up: no Test suffix).
 */
@QuarkusMainTest
@EnabledIfSystemProperty(named = "faults.child.args.1", matches = ".+")
class PgvaultCliRun {

    @Test
    void run(QuarkusMainLauncher launcher) {
        for (int i = 1; System.getProperty("faults.child.args." + i) != null; i++) {
            List<String> set = new ArrayList<>();
            String config = System.getenv("FAULTS_CHILD_CONFIG_" + i);
            if (config != null) {
                for (String line : config.split("\n")) {
                    int eq = line.indexOf('=');
                    if (eq > 0) {
                        System.setProperty(line.substring(0, eq), line.substring(eq + 1));
                        set.add(line.substring(0, eq));
                    }
                }
            }
            System.out.println("CHILD-RUN " + i);
            LaunchResult r = launcher.launch(System.getProperty("faults.child.args." + i).split(" "));
            System.out.println("CHILD-EXIT " + i + " " + r.exitCode());
            System.out.flush();
            set.forEach(System::clearProperty);
        }
    }
}
