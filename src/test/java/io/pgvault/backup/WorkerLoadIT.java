package io.pgvault.backup;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.spi.inject.FunctionInstanceInjector;
import io.pgvault.config.Settings;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Issue 11: no setting's value can keep the app from starting. The packaged app ({@code mvn package}'s
 * target/azure-functions/pgvault) is loaded the way the Azure Functions Java worker loads it — an isolated class
 * loader over the runner jar and {@code lib/}, the injector found through ServiceLoader — by one child JVM
 * ({@link WorkerLoadMain}) whose own class path is only the worker's SPI and the functions library (core and
 * annotations). For every typed
 * setting in turn, for an empty text setting and for an unknown restore verify mode, the child starts the app with the value {@code abc} (empty), gets
 * {@code WeeklyBackupFunction} and invokes it: the instance must be obtained (the app loaded), and the invocation
 * must fail naming the setting, with the setting's HINT in the invocation's own log. Settings are checked before
 * anything is touched, so no PostgreSQL or vault is needed. One JVM for all cases: each case only costs one Quarkus
 * start in a fresh class loader.
 */
class WorkerLoadIT {

    static final Path DIR = Path.of(System.getProperty("pgvault.functions.dir", "target/azure-functions/pgvault"));

    /** Case (property=value) → the child's lines for it. */
    static final Map<String, List<String>> OUTCOMES = new LinkedHashMap<>();
    static String output;

    @BeforeAll
    static void loadTheAppOncePerSetting() throws Exception {
        if (!Files.isDirectory(DIR.resolve("lib"))) {
            fail(DIR + " is missing: this test runs after `mvn package` (failsafe, phase integration-test)");
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", childClassPath(), WorkerLoadMain.class.getName(), DIR.toAbsolutePath().toString()));
        Settings.typedProperties().forEach(p -> command.add(p + "=abc"));
        command.add("pgvault.vault.container=");
        command.add("pgvault.restore.verify=abc");
        Path log = Path.of("target", "failsafe-reports", "WorkerLoadIT-child.txt");
        Files.createDirectories(log.getParent());
        Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        child.getOutputStream().close();
        boolean ended = child.waitFor(5, TimeUnit.MINUTES);
        if (!ended) {
            child.destroyForcibly();
        }
        output = Files.readString(log);
        assertTrue(ended, "the child JVM ended:\n" + output);
        assertEquals(0, child.exitValue(), output);
        String current = null;
        for (String line : output.split("\n")) {
            if (line.startsWith("CASE ")) {
                current = line.substring(5);
                OUTCOMES.put(current, new ArrayList<>());
            } else if (current != null && line.matches("^(INSTANCE|RESULT|LOG|LOAD-FAILED|STOP-FAILED) .*")) {
                OUTCOMES.get(current).add(line);
            }
        }
        // The outcome of two settings, as the report shows them.
        for (String c : List.of("pgvault.vault.claim-lease-seconds=abc", "pgvault.backup.compression=abc")) {
            System.out.println("WorkerLoadIT " + c + ":\n  " + String.join("\n  ", OUTCOMES.get(c)));
        }
    }

    /** A directory holding only the child's main class, then the SPI jar and the functions library jar. */
    static String childClassPath() throws IOException, URISyntaxException {
        Path classes = Path.of(WorkerLoadMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path dir = Files.createTempDirectory("pgvault-worker-load");
        Path pkg = dir.resolve("io/pgvault/backup");
        Files.createDirectories(pkg);
        try (Stream<Path> files = Files.list(classes.resolve("io/pgvault/backup"))) {
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith("WorkerLoadMain")).toList()) {
                Files.copy(f, pkg.resolve(f.getFileName()));
            }
        }
        return String.join(java.io.File.pathSeparator, dir.toString(), jarOf(FunctionInstanceInjector.class),
                jarOf(ExecutionContext.class), jarOf(FunctionName.class));
    }

    static String jarOf(Class<?> c) throws URISyntaxException {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    @Test
    void everyCaseRan() {
        assertEquals(Settings.typedProperties().size() + 2, OUTCOMES.size(), output);
        assertTrue(output.contains("\nDONE"), output);
    }

    @Test
    void aBadTypedSettingLoadsTheAppAndFailsTheInvocationNamingIt() {
        List<String> names = Settings.typedNames();
        List<String> properties = Settings.typedProperties();
        for (int i = 0; i < properties.size(); i++) {
            assertFailsNaming(properties.get(i) + "=abc", names.get(i), names.get(i) + "=abc", "HINT: Set " + names.get(i));
        }
    }

    @Test
    void anEmptyTextSettingLoadsTheAppAndFailsTheInvocationNamingIt() {
        assertFailsNaming("pgvault.vault.container=", "PGVAULT_VAULT_CONTAINER", "is empty",
                "HINT: Set PGVAULT_VAULT_CONTAINER");
    }

    @Test
    void aBadVerifyModeLoadsTheAppAndFailsTheInvocationNamingIt() {
        assertFailsNaming("pgvault.restore.verify=abc", "PGVAULT_RESTORE_VERIFY", "PGVAULT_RESTORE_VERIFY=\"abc\"",
                "HINT: Use sha256");
    }

    static void assertFailsNaming(String setting, String name, String evidence, String hint) {
        List<String> lines = OUTCOMES.get(setting);
        assertTrue(lines != null, "no outcome for " + setting + ":\n" + output);
        String all = String.join("\n", lines);
        assertTrue(lines.get(0).startsWith("INSTANCE io.pgvault.backup.WeeklyBackupFunction "),
                setting + ": the app loaded and gave the function:\n" + all);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("RESULT failed ") && l.contains(name)),
                setting + ": the invocation failed naming " + name + ":\n" + all);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("LOG SEVERE pgvault: ") && l.contains(name)
                        && l.contains(evidence) && l.contains(hint)),
                setting + ": the invocation's log has the setting, its value and the HINT:\n" + all);
        assertFalse(all.contains("LOAD-FAILED") || all.contains("STOP-FAILED"), all);
    }
}
