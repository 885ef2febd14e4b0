package io.pgvault.faults;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A second JVM running {@code bin/pgvault} commands against the same PostgreSQL and Azurite: the test JVM's
 * classpath, main class {@link ChildJvmMain}, the test profile. Used where a fault needs another process: two
 * backups in two JVMs, a backup process killed with SIGKILL, misconfigured instances. (The packaged jar does not
 * exist yet when {@code ./mvnw verify} runs the tests; this boots the same application from the classes.)
 * Settings travel in the environment, never on the command line.
 */
final class ChildJvm implements AutoCloseable {

    /** One command and the settings it runs with (e.g. {@code pgvault.pg.port} → a closed port). */
    record Run(List<String> args, Map<String, String> config) {
        static Run of(Map<String, String> config, String... args) {
            return new Run(List.of(args), config);
        }
    }

    final Process process;
    final Path output;
    private final int runs;

    private ChildJvm(Process process, Path output, int runs) {
        this.process = process;
        this.output = output;
        this.runs = runs;
    }

    /** Starts a JVM that runs {@code bin/pgvault <args>} once with the test configuration. */
    static ChildJvm start(String... args) {
        return start(List.of(Run.of(Map.of(), args)));
    }

    /** Starts a JVM that runs each command in turn, each with its own settings. */
    static ChildJvm start(List<Run> runs) {
        try {
            Path out = Files.createTempFile("pgvault-child", ".log");
            out.toFile().deleteOnExit();
            Map<String, String> env = new HashMap<>();
            for (int i = 0; i < runs.size(); i++) {
                StringBuilder config = new StringBuilder();
                runs.get(i).config().forEach((k, v) -> config.append(k).append('=').append(v).append('\n'));
                env.put("FAULTS_CHILD_CONFIG_" + (i + 1), config.toString());
            }
            List<String> cmd = ChildJvmMain.command(runs.stream().map(r -> String.join(" ", r.args())).toList());
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
            pb.environment().putAll(env);
            return new ChildJvm(pb.start(), out, runs.size());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Everything the child printed so far (its logs and the commands' output). */
    String output() {
        try {
            return Files.readString(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What run {@code i} (1-based) printed, from its start marker to its exit marker. */
    String outputOf(int i) {
        String all = output();
        int from = all.indexOf("CHILD-RUN " + i + "\n");
        Matcher m = Pattern.compile("(?m)^CHILD-EXIT " + i + " -?\\d+$").matcher(all);
        return from < 0 || !m.find() ? "" : all.substring(from, m.end());
    }

    /** Waits for every command to end and returns their exit codes; fails after {@code bound}. */
    int[] await(Duration bound) throws InterruptedException {
        if (!process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)) {
            close();
            throw new AssertionError("the child JVM did not finish within " + bound + ":\n" + output());
        }
        String all = output();
        int[] exits = new int[runs];
        for (int i = 1; i <= runs; i++) {
            Matcher m = Pattern.compile("(?m)^CHILD-EXIT " + i + " (-?\\d+)$").matcher(all);
            if (!m.find()) {
                throw new AssertionError("the child JVM did not run command " + i + " (exit " + process.exitValue()
                        + "):\n" + all);
            }
            exits[i - 1] = Integer.parseInt(m.group(1));
        }
        return exits;
    }

    /** Kills the child JVM (SIGKILL) if it still runs. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
