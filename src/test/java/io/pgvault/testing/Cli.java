package io.pgvault.testing;

import io.pgvault.cli.PgvaultCommand;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * Runs {@code bin/pgvault} commands in the test's JVM: the real picocli command classes with the app's beans
 * (the test's {@code CommandLine.IFactory}), and what they print captured — both what goes through picocli's
 * writers and what goes to {@code System.out} / {@code System.err}. The one way tests run the CLI in-process.
 */
public final class Cli {

    /** Exit code, standard output and standard error of one command. */
    public record Result(int exit, String out, String err) {
    }

    private Cli() {
    }

    /** Runs one command; tests run one at a time (System.out is the JVM's). */
    public static synchronized Result run(CommandLine.IFactory factory, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        System.setOut(outStream);
        System.setErr(errStream);
        int exit;
        try {
            exit = new CommandLine(new PgvaultCommand(), factory)
                    .setOut(new PrintWriter(outStream, true))
                    .setErr(new PrintWriter(errStream, true))
                    .execute(args);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
