package io.pgvault.cli;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import jakarta.inject.Inject;
import picocli.CommandLine;

/**
 * Entry point of {@code bin/pgvault}: the same services the functions use, run from a shell with no
 * Functions host. Without arguments (quarkus:dev) it just serves the HTTP functions until stopped.
 */
@QuarkusMain
public class PgvaultMain implements QuarkusApplication {

    @Inject
    CommandLine.IFactory factory;

    @Override
    public int run(String... args) {
        CdsTraining.loadListedClasses(); // only in the package build's training run (-Dpgvault-cds.classes)
        if (args.length == 0) {
            Quarkus.waitForExit();
            return 0;
        }
        return new CommandLine(new PgvaultCommand(), factory)
                .setExecutionExceptionHandler(new ErrorPrinter())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .execute(args);
    }

    /** Prints a pgvault error as its problem, evidence and HINT — never a stack trace. */
    static final class ErrorPrinter implements CommandLine.IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
            if (e instanceof io.pgvault.errors.PgvaultException p) {
                cmd.getErr().println("pgvault: " + p.render());
                return p instanceof io.pgvault.errors.MatrixRefusedException ? 3 : 1;
            }
            cmd.getErr().println("pgvault: unexpected failure: " + io.pgvault.errors.Redactor.redact(String.valueOf(e))
                    + "\nHINT: run again with PGVAULT_DEBUG=1 for details, and report it.");
            if (System.getenv("PGVAULT_DEBUG") != null) {
                e.printStackTrace(cmd.getErr());
            }
            return 1;
        }
    }
}
