package io.pgvault.cli;

import io.pgvault.config.BuildInfo;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CLI's help, version and completion, from the real command tree (no services needed: nothing runs): every
 * command's {@code --help} has a one-line purpose and an example, no footer line is wrapped mid-sentence by picocli,
 * {@code --version} is the build's, and the completion script knows every verb and {@code --json}.
 */
class CliHelpTest {

    private static Printed run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = new CommandLine(new PgvaultCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute(args);
        return new Printed(exit, out.toString(), err.toString());
    }

    private record Printed(int exit, String out, String err) {
    }

    private static List<CommandLine> allCommands(CommandLine root) {
        List<CommandLine> all = new ArrayList<>(List.of(root));
        root.getSubcommands().values().forEach(c -> all.addAll(allCommands(c)));
        return all;
    }

    @Test
    void everyCommandsHelpHasAPurposeAndAnExample() {
        List<CommandLine> commands = allCommands(new CommandLine(new PgvaultCommand()));
        assertTrue(commands.size() >= 15, "the whole tree: " + commands.size());
        for (CommandLine c : commands) {
            String path = c.getCommandSpec().qualifiedName(" ");
            List<String> args = new ArrayList<>(List.of(path.split(" ")).subList(1, path.split(" ").length));
            args.add("--help");
            Printed help = run(args.toArray(String[]::new));
            assertEquals(0, help.exit(), path + ": " + help.err());
            String[] lines = help.out().split("\n");
            assertTrue(lines[0].startsWith("Usage: " + path), help.out());
            assertFalse(lines[1].isBlank(), path + " has a purpose under its usage line:\n" + help.out());
            assertTrue(help.out().contains("\nExample") && help.out().contains("  bin/pgvault "),
                    path + " has an example:\n" + help.out());
            for (String footer : c.getCommandSpec().usageMessage().footer()) {
                String line = footer.replace("%n", "");
                assertTrue(line.isEmpty() || help.out().lines().anyMatch(line::equals),
                        path + ": footer line wrapped by picocli (keep it under 80 characters): " + line);
            }
        }
    }

    @Test
    void everyCommandThatPrintsAResultTakesJson() {
        for (String verb : List.of("list", "jobs", "preflight", "servers", "backup", "restore", "verify", "prune",
                "fetch", "fleet run", "servers add", "servers remove", "drill", "drills")) {
            List<String> args = new ArrayList<>(List.of(verb.split(" ")));
            args.add("--help");
            assertTrue(run(args.toArray(String[]::new)).out().contains("--json"), verb + " takes --json");
        }
    }

    @Test
    void versionIsTheBuildsOnEveryCommand() {
        assertEquals("pgvault " + BuildInfo.version() + "\n", run("--version").out());
        assertEquals("pgvault " + BuildInfo.version() + "\n", run("backup", "--version").out());
        assertFalse(BuildInfo.version().isBlank());
    }

    @Test
    void completionIsABashScriptThatKnowsEveryVerbAndOption() {
        Printed c = run("completion");
        assertEquals(0, c.exit(), c.err());
        assertTrue(c.out().startsWith("#!/usr/bin/env bash"), c.out().substring(0, 60));
        assertTrue(c.out().contains("complete -F _complete_pgvault"), "registers itself for pgvault");
        for (String word : List.of("backup", "preflight", "restore", "verify", "prune", "servers", "fleet",
                "completion", "--json", "--target-container-url", "--test-restore", "--workers")) {
            assertTrue(c.out().contains(word), word + " in the completion script");
        }
    }
}
