package io.pgvault.retention;

import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import io.pgvault.jobs.JobStore;
import io.pgvault.vault.BackupLayout;
import io.pgvault.vault.Manifest;
import io.pgvault.vault.VaultStore;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Deletes every backup of a server whose protection is stopped with "delete backups" — all or nothing: while any
 * backup is under an immutability policy or a legal hold, nothing is deleted (a legal hold is never overridden).
 * Each backup goes as retention deletes one: manifest first, then its files, then its week claim.
 */
@ApplicationScoped
public class ServerDeletion {

    private final RetentionService retention;
    private final VaultStore vault;
    private final JobStore jobs;
    private final Clock clock;

    public ServerDeletion(RetentionService retention, VaultStore vault, JobStore jobs, Clock clock) {
        this.retention = retention;
        this.vault = vault;
        this.jobs = jobs;
        this.clock = clock;
    }

    /** Refuses (CONFLICT, nothing deleted) if any backup is protected; else deletes them all. Returns their ids. */
    public List<String> deleteAll(String server) {
        BackupLayout.checkServer(server);
        Instant now = clock.instant();
        List<Manifest> catalog = vault.catalog(server);
        List<String> held = new ArrayList<>();
        for (Manifest m : catalog) {
            retention.protection(server, m, now).ifPresent(p -> held.add(m.backupId() + ": " + p));
        }
        if (!held.isEmpty()) {
            throw new PgvaultException(ErrorKind.CONFLICT, "The backups of server " + server + " cannot be deleted: "
                    + held.size() + " of " + catalog.size() + " are protected; nothing was deleted.", String.join("; ", held),
                    "An immutability policy must run out (or, Unlocked, be removed by an administrator) and a legal hold "
                            + "must be cleared before its backup can go. To stop protection now, keep the backups "
                            + "(keepBackups: true / bin/pgvault servers remove without --delete-backups).");
        }
        List<String> deleted = new ArrayList<>();
        for (int i = catalog.size() - 1; i >= 0; i--) {  // oldest first, as retention deletes
            Manifest m = catalog.get(i);
            retention.delete(server, new RetentionService.Decision(m.backupId(), m.isoWeek(), m.startedAt(),
                    m.totalBytes(), true, List.of("protection stopped with delete")), now);
            deleted.add(m.backupId());
        }
        // what is left of the server: week claims of dead runs and its job history
        vault.deletePrefix(server + "/");
        jobs.deleteStatus(server);
        return deleted;
    }
}
