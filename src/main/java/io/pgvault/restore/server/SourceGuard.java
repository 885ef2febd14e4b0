package io.pgvault.restore.server;

import io.pgvault.backup.ServerTargets;
import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import io.pgvault.fleet.ServerRegistry;
import io.pgvault.vault.Manifest;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Refuses a restore into the backup's own source server, however it is named ({@code localhost} and
 * {@code 127.0.0.1}, a private endpoint and a public name): it compares {@code pg_control_system()}'s
 * {@code system_identifier} of the target with the source's, never host names.
 *
 * <p>The source's identifier is recorded in the manifest at backup time ({@link Manifest#systemIdentifier()}), so
 * the check holds when the source is gone — the usual reason to restore. A backup made before it was recorded asks
 * the source (the settings server or its registry entry) now; if that cannot decide, the restore is refused: a
 * restore over the live source must never happen by accident.
 */
@ApplicationScoped
public class SourceGuard {

    private final ServerRegistry registry;
    private final ServerTargets servers;

    public SourceGuard(ServerRegistry registry, ServerTargets servers) {
        this.registry = registry;
        this.servers = servers;
    }

    /** Throws RESTORE_TARGET if {@code targetIdentifier} is the backup's source (or that cannot be decided). */
    public void check(Manifest manifest, String targetIdentifier, PgTarget target) {
        String source = manifest.systemIdentifier() != null ? manifest.systemIdentifier() : askSource(manifest);
        if (source.equals(targetIdentifier)) {
            throw new PgvaultException(ErrorKind.RESTORE_TARGET,
                    "targetServer is the source of backup " + manifest.backupId() + " itself.",
                    "target " + target.address() + " has system_identifier " + targetIdentifier
                            + ", the same as server " + manifest.server() + " had when it was backed up",
                    "Restore into another server (a new Flexible Server, or a second cluster); pgvault never restores"
                            + " over the server a backup came from, under whatever name it is reached.");
        }
    }

    private String askSource(Manifest manifest) {
        try {
            String id = registry.get(manifest.server()).map(r -> servers.of(r.entry()).preflights().systemIdentifier())
                    .orElse(null);
            if (id != null) {
                return id;
            }
        } catch (PgvaultException e) {
            throw undecidable(manifest, e.problem() + " (" + e.evidence() + ")");
        }
        throw undecidable(manifest, "server " + manifest.server() + " is not registered, or its login may not read"
                + " pg_control_system()");
    }

    private static PgvaultException undecidable(Manifest manifest, String why) {
        return new PgvaultException(ErrorKind.RESTORE_TARGET, "pgvault cannot tell whether targetServer is the source of"
                + " backup " + manifest.backupId() + ".", "the manifest records no system_identifier (the backup"
                + " predates it) and the source could not be asked: " + why,
                "Restore a newer backup (every backup now records its source's identity), or restore this one as files"
                        + " (targetContainerUrl) and run restore.sh against a server you checked by hand.");
    }
}
