package io.pgvault.cli;

import io.pgvault.faults.ChildJvmMain;
import io.pgvault.testing.TestServices;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The live progress display of {@code bin/pgvault backup}, in a second JVM (the real {@code PgvaultMain}) against
 * PostgreSQL and Azurite: under a pseudo-terminal ({@code script} from util-linux) it draws frames — the database
 * with its size estimate (pg_database_size), percent, then a finished line — and holds back the INFO log lines;
 * with its output in a file (cron, CI) there is not one escape sequence, and the plain log lines are there; with
 * {@code --json} there is no display even on a terminal.
 */
class ProgressTerminalTest {

    private static final String DB = "cli_progress";

    @Test
    void aBackupOnATerminalShowsLiveFramesAndWithoutOneOrWithJsonOnlyLogLines() throws Exception {
        TestServices.recreateDatabase(DB);
        // ~60 MB of table: the dump runs long enough for the display (4 frames a second) to draw it running
        TestServices.sql(DB, "CREATE TABLE t (id int, v text)",
                "INSERT INTO t SELECT g, repeat(md5(g::text), 4) FROM generate_series(1, 400000) g");

        TestServices.resetVault();
        String tty = runChild(true);
        // kept for people (docs/operations.md shows a frame): what the terminal received, escapes made visible
        Files.writeString(Path.of("target", "progress-terminal.txt"), visible(tty), StandardCharsets.UTF_8);
        assertTrue(tty.contains("\033[J"), "the display redraws its block:\n" + visible(tty));
        assertTrue(tty.lines().anyMatch(l -> l.contains("  test-pg/" + DB + " ") && l.contains(" of ~")
                        && l.contains("%")),
                "a live line with the size estimate and percent:\n" + visible(tty));
        assertTrue(tty.lines().anyMatch(l -> l.contains("done   test-pg/" + DB + " ") && l.contains(" in ")),
                "a finished line:\n" + visible(tty));
        assertTrue(tty.contains("committed: server test-pg"), visible(tty));
        assertFalse(tty.contains(DB + " done, "), "the INFO line is held back on a terminal:\n" + visible(tty));

        TestServices.resetVault();
        String plain = runChild(false);
        assertTrue(plain.contains("committed: server test-pg"), plain);
        assertFalse(plain.contains("\033["), "no escape sequence without a terminal:\n" + plain);
        assertFalse(plain.contains("done   test-pg/" + DB), plain);
        assertTrue(plain.lines().anyMatch(l -> l.contains("INFO") && l.contains(DB + " done, ")),
                "the plain log lines, as before:\n" + plain);

        TestServices.resetVault();
        String json = runChild(true, "backup", "--json");
        assertFalse(json.contains("\033[J") || json.contains("done   test-pg/"), "--json: no display even on a terminal:\n"
                + visible(json));
        assertTrue(json.contains("\"manifest\" : {") && json.contains("\"backupId\""), visible(json));
        TestServices.sql("postgres", "DROP DATABASE IF EXISTS " + DB + " WITH (FORCE)");
    }

    /** Runs {@code bin/pgvault <args>} (default: backup) in a child JVM, under {@code script} when {@code terminal}. */
    private static String runChild(boolean terminal, String... args) throws IOException, InterruptedException {
        List<String> java = ChildJvmMain.command(List.of(args.length == 0 ? "backup" : String.join(" ", args)));
        List<String> cmd = new ArrayList<>();
        if (terminal) {
            cmd.addAll(List.of("script", "-q", "-e", "-c", java.stream().map(ProgressTerminalTest::quote)
                    .collect(Collectors.joining(" ")), "/dev/null"));
        } else {
            cmd.addAll(java);
        }
        Path out = Files.createTempFile("pgvault-progress", ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        boolean ended = p.waitFor(5, TimeUnit.MINUTES);
        String printed = Files.readString(out, StandardCharsets.UTF_8);
        Files.deleteIfExists(out);
        if (!ended) {
            p.destroyForcibly();
        }
        assertTrue(ended, "the child did not end:\n" + printed);
        assertTrue(printed.contains("CHILD-EXIT 1 0"), "backup exit 0:\n" + printed);
        assertEquals(0, p.exitValue(), printed);
        return printed.replace("\r\n", "\n");
    }

    private static String quote(String arg) {
        return "'" + arg.replace("'", "'\\''") + "'";
    }

    /** The output with escape sequences made visible, for failure messages. */
    private static String visible(String s) {
        return s.replace("\033", "<ESC>");
    }
}
