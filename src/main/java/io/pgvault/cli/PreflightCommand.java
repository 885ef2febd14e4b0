package io.pgvault.cli;

import io.pgvault.backup.BackupService;
import io.pgvault.errors.InvalidRequestException;
import io.pgvault.matrix.BackupType;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Instant;
import java.util.concurrent.Callable;

/** {@code pgvault preflight}: every support-matrix violation of the next backup, without starting it. */
@Dependent
@Unremovable
@Command(name = "preflight", description = "Judge the server and vault against the support matrix; exit 0 only if nothing is violated.")
public class PreflightCommand implements Callable<Integer> {

    @Inject
    BackupService backups;

    @Option(names = "--type", defaultValue = "full")
    String type;

    @Override
    public Integer call() {
        BackupType t;
        try {
            t = BackupType.parse(type);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("Unknown backup type.", "--type " + type, "Use --type full.");
        }
        var verdict = backups.preflight(t, Instant.now()).verdict();
        System.out.println(verdict.renderTable());
        return verdict.allowed() ? 0 : 3;
    }
}
