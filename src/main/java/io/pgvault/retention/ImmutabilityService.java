package io.pgvault.retention;

import io.pgvault.errors.ErrorKind;
import io.pgvault.config.PgvaultConfig;
import io.pgvault.errors.PgvaultException;
import io.pgvault.vault.BackupLayout;
import io.pgvault.vault.ImmutabilityMode;
import io.pgvault.vault.Manifest;
import io.pgvault.vault.VaultStore;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes a committed backup WORM: each of its blobs (files and manifest) gets a version-level time-based
 * immutability policy ({@code pgvault.vault.immutability-days} from the commit, mode Unlocked or Locked).
 * The storage account must support it (blob versioning and version-level immutability enabled on the vault
 * container; see README). A policy that cannot be set is a warning in the backup's job record, never a failed
 * backup: the backup itself is complete.
 */
@ApplicationScoped
public class ImmutabilityService {

    private static final Logger LOG = Logger.getLogger(ImmutabilityService.class);

    private final PgvaultConfig config;
    private final VaultStore vault;
    private final Clock clock;

    public ImmutabilityService(PgvaultConfig config, VaultStore vault, Clock clock) {
        this.config = config;
        this.vault = vault;
        this.clock = clock;
    }

    /** Applies the configured policy to a committed backup; returns warnings (empty: done, or turned off). */
    public List<String> protect(Manifest manifest) {
        int days = config.vault().immutabilityDays();
        if (days <= 0) {
            return List.of();
        }
        return protect(manifest, days, mode(config.vault().immutabilityMode()), clock.instant());
    }

    /** Sets a policy until {@code now + days} on every blob of the backup; never throws. */
    public List<String> protect(Manifest manifest, int days, ImmutabilityMode mode, Instant now) {
        String prefix = BackupLayout.backupPrefix(manifest.server(), manifest.backupId());
        Instant until = now.plus(Duration.ofDays(days));
        List<String> paths = new ArrayList<>();
        manifest.files().forEach(f -> paths.add(f.path()));
        paths.add(BackupLayout.MANIFEST);
        List<String> failed = new ArrayList<>();
        String firstError = null;
        for (String path : paths) {
            try {
                vault.files().setImmutability(prefix + path, until, mode);
            } catch (RuntimeException e) {
                failed.add(path);
                if (firstError == null) {
                    firstError = e instanceof PgvaultException p ? p.evidence() : e.getClass().getSimpleName();
                }
            }
        }
        if (failed.isEmpty()) {
            LOG.infof("backup %s: %d blob(s) immutable (%s) until %s", manifest.backupId(), paths.size(), mode,
                    until.atOffset(ZoneOffset.UTC));
            return List.of();
        }
        String warning = "WARNING: the immutability policy (" + mode + ", " + days + " days) could not be set on "
                + failed.size() + " of " + paths.size() + " blob(s) of backup " + manifest.backupId() + " (" + firstError
                + "; first: " + failed.get(0) + "). The backup is complete but not WORM-protected.\nHINT: enable blob "
                + "versioning and version-level immutability support on the vault container (see README, "
                + "\"Immutability\"), or set PGVAULT_VAULT_IMMUTABILITY_DAYS=0. Azurite does not support immutability.";
        LOG.warn(warning);
        return List.of(warning);
    }

    static ImmutabilityMode mode(String setting) {
        if ("locked".equalsIgnoreCase(setting)) {
            return ImmutabilityMode.LOCKED;
        }
        if ("unlocked".equalsIgnoreCase(setting)) {
            return ImmutabilityMode.UNLOCKED;
        }
        throw new PgvaultException(ErrorKind.CONFIGURATION, "pgvault.vault.immutability-mode has an unknown value.",
                "PGVAULT_VAULT_IMMUTABILITY_MODE=" + setting, "Use Unlocked or Locked.");
    }
}
