package io.pgvault.cli;

import io.pgvault.config.BuildInfo;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code pgvault}: weekly vaulted backups of a PostgreSQL server, from the shell. */
@Command(name = "pgvault", mixinStandardHelpOptions = true, versionProvider = PgvaultCommand.Version.class,
        description = "Weekly, vaulted, full logical backups of a PostgreSQL server in Azure Blob Storage.",
        subcommands = {BackupCommand.class, PreflightCommand.class, ListCommand.class, RestoreCommand.class,
                JobsCommand.class, FetchCommand.class, UploadFileCommand.class, VerifyCommand.class,
                PruneCommand.class, ServersCommand.class, FleetCommand.class, DrillCommand.class,
                DrillsCommand.class})
public class PgvaultCommand {

    /** {@code --version}: the version the build wrote ({@link BuildInfo}). */
    public static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"pgvault " + BuildInfo.version()};
        }
    }
}
