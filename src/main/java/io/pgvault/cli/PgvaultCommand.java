package io.pgvault.cli;

import io.pgvault.config.BuildInfo;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code pgvault}: weekly vaulted backups of a PostgreSQL server, from the shell. */
@Command(name = "pgvault", mixinStandardHelpOptions = true, versionProvider = PgvaultCommand.Version.class,
        scope = CommandLine.ScopeType.INHERIT, // --help and --version on every subcommand too
        description = "Weekly, vaulted, full logical backups of a PostgreSQL server in Azure Blob Storage.",
        subcommands = {BackupCommand.class, PreflightCommand.class, ListCommand.class, RestoreCommand.class,
                JobsCommand.class, FetchCommand.class, UploadFileCommand.class, VerifyCommand.class,
                PruneCommand.class, ServersCommand.class, FleetCommand.class, DrillCommand.class,
                DrillsCommand.class, CompletionCommand.class},
        footer = {"%nSettings come from the environment (PGVAULT_*).",
                "Exit codes: 0 ok, 1 failed, 2 bad usage, 3 refused by the support matrix,",
                "4 a damaged backup (verify). --json prints a result with the API's field names.",
                "Details: docs/operations.md, section \"Command line\".",
                "%nExamples:", "  bin/pgvault preflight && bin/pgvault backup",
                "  bin/pgvault list --json", "  source <(bin/pgvault completion)"})
public class PgvaultCommand {

    /** {@code --version}: the version the build wrote ({@link BuildInfo}). */
    public static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"pgvault " + BuildInfo.version()};
        }
    }
}
