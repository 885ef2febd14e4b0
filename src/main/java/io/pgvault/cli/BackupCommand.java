package io.pgvault.cli;

import io.pgvault.backup.BackupService;
import io.pgvault.errors.InvalidRequestException;
import io.pgvault.matrix.BackupType;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code pgvault backup}: what the weekly timer runs, once, now. */
@Dependent
@Unremovable
@Command(name = "backup", description = "Take a full backup of the configured server now (what the weekly timer runs).")
public class BackupCommand implements Callable<Integer> {

    @Inject
    BackupService backups;

    @Option(names = "--type", defaultValue = "full", description = "Only 'full' is supported (the support matrix).")
    String type;

    @Override
    public Integer call() {
        BackupType t;
        try {
            t = BackupType.parse(type);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("Unknown backup type.", "--type " + type, "Use --type full.");
        }
        var result = backups.backup(t);
        var m = result.manifest();
        System.out.printf("backup %s committed: server %s, week %s, %d database(s), %d bytes%n", m.backupId(),
                m.server(), m.isoWeek(), m.databaseFiles().size(), m.totalBytes());
        m.excludedDatabases().forEach(e -> System.out.printf("  excluded %s: %s%n", e.database(), e.reason()));
        return 0;
    }
}
