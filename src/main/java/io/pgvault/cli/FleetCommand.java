package io.pgvault.cli;

import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.Dependent;
import picocli.CommandLine.Command;

/** {@code pgvault fleet}: the registered servers' backups, fanned out through the backup queue. */
@Dependent
@Unremovable
@Command(name = "fleet", description = "Back up the registered servers through the backup queue (pgvault-backups).",
        subcommands = {FleetRunCommand.class},
        footer = {"%nExample:", "  bin/pgvault fleet run --workers 2"})
public class FleetCommand {
}
