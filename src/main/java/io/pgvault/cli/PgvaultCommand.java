package io.pgvault.cli;

import picocli.CommandLine.Command;

/** {@code pgvault}: weekly vaulted backups of a PostgreSQL server, from the shell. */
@Command(name = "pgvault", mixinStandardHelpOptions = true, version = "pgvault 0.1.0",
        description = "Weekly, vaulted, full logical backups of a PostgreSQL server in Azure Blob Storage.",
        subcommands = {BackupCommand.class, PreflightCommand.class, ListCommand.class, RestoreCommand.class,
                JobsCommand.class, FetchCommand.class, UploadFileCommand.class, VerifyCommand.class,
                PruneCommand.class})
public class PgvaultCommand {
}
