package io.pgvault.matrix.real;

import io.pgvault.cli.PgvaultCommand;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs {@code bin/pgvault} commands in the test's JVM: the real picocli command classes, their output captured. */
final class Cli {

    /** Exit code, standard output and standard error of one command. */
    record Result(int exit, String out, String err) {
    }

    private Cli() {
    }

    static Result run(CommandLine.IFactory factory, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = new CommandLine(new PgvaultCommand(), factory)
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .execute(args);
        return new Result(exit, out.toString(), err.toString());
    }
}
