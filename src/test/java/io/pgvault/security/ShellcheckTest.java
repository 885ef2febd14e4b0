package io.pgvault.security;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * shellcheck (every severity, info included) over the restore kit's {@code restore.sh}, {@code scripts/*.sh}, {@code bin/pgvault} and
 * {@code bench/run.sh} and {@code bench/fleet.sh}.
 * scripts/services.sh installs shellcheck with the other services' packages, so a clean clone has it.
 */
class ShellcheckTest {

    static final Path RESTORE_SH = Path.of("src/main/resources/io/pgvault/restore/restore.sh");

    @Test
    void restoreShAndTheScriptsPassShellcheck() throws Exception {
        List<String> cmd = new ArrayList<>(List.of("shellcheck", "--shell=bash", "--severity=style"));
        cmd.add(RESTORE_SH.toString());
        cmd.add("bin/pgvault");
        cmd.add("bench/run.sh");
        cmd.add("bench/fleet.sh");
        try (Stream<Path> scripts = Files.list(Path.of("scripts"))) {
            scripts.filter(p -> p.toString().endsWith(".sh")).sorted().forEach(p -> cmd.add(p.toString()));
        }
        assertTrue(cmd.size() >= 6, "restore.sh and the scripts are checked: " + cmd);
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("shellcheck is not installed: scripts/services.sh start installs it "
                    + "(apt-get install shellcheck)", e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), "shellcheck ended");
        assertEquals(0, p.exitValue(), "shellcheck findings:\n" + out);
    }
}
