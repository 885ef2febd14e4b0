package io.pgvault.jobs;

import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import io.pgvault.errors.Redactor;
import io.pgvault.vault.BackupLayout;
import io.pgvault.vault.VaultStore;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Reads and changes the servers' status documents ({@link ServerStatus}): read with its ETag, change, write back
 * If-Match (or If-None-Match * for the first), again on a lost race — jobs of one server may end at once.
 */
final class StatusBook {

    private static final Logger LOG = Logger.getLogger(StatusBook.class);
    /** Folder of the status documents; a leading dot, so no server name can collide with it. */
    static final String PREFIX = ".status/";
    private static final int ATTEMPTS = 6;

    private final VaultStore vault;
    private final Clock clock;

    StatusBook(VaultStore vault, Clock clock) {
        this.clock = clock;
        this.vault = vault;
    }

    static String path(String server) {
        return PREFIX + BackupLayout.checkServer(server) + ".json";
    }

    Optional<ServerStatus> read(String server) {
        return vault.readJson(path(server), ServerStatus.class).map(VaultStore.Versioned::value);
    }

    /** Applies {@code change}; CONFLICT after {@value #ATTEMPTS} lost races. */
    ServerStatus update(String server, UnaryOperator<ServerStatus> change) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            var current = vault.readJson(path(server), ServerStatus.class);
            ServerStatus next = change.apply(current.map(VaultStore.Versioned::value).orElse(ServerStatus.empty(server)));
            try {
                vault.replaceJson(path(server), next, current.map(VaultStore.Versioned::etag).orElse(null));
                return next;
            } catch (PgvaultException e) {
                if (e.kind() != ErrorKind.CONFLICT) {
                    throw e;
                }
            }
        }
        throw new PgvaultException(ErrorKind.CONFLICT, "The status of server " + server + " could not be updated.",
                ATTEMPTS + " attempts raced with other jobs of the server", "It is updated again when the next job ends.");
    }

    /** Records a job's state in its server's status; a failure is only logged (it never fails the job). */
    void record(JobRecord job) {
        try {
            update(job.server(), s -> s.with(job, clock.instant()));
        } catch (RuntimeException e) {
            LOG.warnf("Could not update the status of server %s after job %s: %s", job.server(), job.id(),
                    Redactor.redact(String.valueOf(e.getMessage())));
        }
    }
}
