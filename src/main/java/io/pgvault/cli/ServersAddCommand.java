package io.pgvault.cli;

import io.pgvault.fleet.FleetService;
import io.pgvault.fleet.ProtectAnswer;
import io.pgvault.fleet.ProtectRequest;
import io.pgvault.errors.MatrixRefusedException;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * {@code pgvault servers add NAME …}: registers (or replaces) a server after its preflight, as POST /api/protect.
 * The password is only ever named ({@code --password-env VAR}); a refused server is saved only with {@code --force}.
 */
@Dependent
@Unremovable
@Command(name = "add", description = "Protect a server: run its preflight and save it in the registry.",
        footer = {"%nExample:", "  bin/pgvault servers add prod-eu --host pg.example.com --user backup \\",
                "      --password-env PGVAULT_SECRET_PROD"})
public class ServersAddCommand implements Callable<Integer> {

    @Inject
    FleetService fleet;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", description = "Server name (letters, digits, '.', '_', '-').")
    String name;

    @Option(names = "--host", required = true)
    String host;

    @Option(names = "--port", defaultValue = "5432")
    int port;

    @Option(names = "--user", required = true)
    String user;

    @Option(names = "--database", description = "Database for inspection and pg_dumpall (default: postgres).")
    String database;

    @Option(names = "--auth", description = "entra (the app's managed identity, the default) or password.")
    String auth;

    @Option(names = "--password-env", description = "Environment variable holding the password "
            + "(PGVAULT_PG_PASSWORD… or PGVAULT_SECRET_…); implies --auth password.")
    String passwordEnv;

    @Option(names = "--sslmode", description = "libpq sslmode (default: require).")
    String sslmode;

    @Option(names = "--day", description = "Day of the weekly backup, e.g. sun (UTC; default sun).")
    String day;

    @Option(names = "--hour", description = "Hour of the weekly backup, 0-23 (UTC; default 2).")
    Integer hour;

    @Option(names = "--force", description = "Save the server even if its preflight refuses it (it shows as refused).")
    boolean force;

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() {
        String a = passwordEnv != null ? "password" : auth;
        ProtectRequest.Policy policy = day == null && hour == null ? null
                : new ProtectRequest.Policy(day, hour, null, null, null, null, null);
        ProtectAnswer answer;
        try {
            answer = fleet.protect(new ProtectRequest(name, host, port, database, user, a,
                    passwordEnv == null ? null : "env:" + passwordEnv, null, sslmode, null, policy, null, force, null));
        } catch (MatrixRefusedException e) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("pgvault: " + e.problem());
            err.print(e.verdict().renderTable());
            err.println("HINT: fix each violation, or add --force to save it anyway (it shows as refused).");
            err.flush();
            return PreflightCommand.REFUSED;
        }
        output.print(answer, out -> {
            out.printf("server %s %s: preflight %s%n", answer.server(), answer.created() ? "registered" : "changed",
                    answer.allowed() ? "passed" : "REFUSED (saved with --force; it shows as refused)");
            if (answer.verdict() != null && !answer.allowed()) {
                out.print(answer.verdict().renderTable());
            }
            if (answer.preflightError() != null) {
                out.println(answer.preflightError());
            }
        });
        return 0;
    }
}
