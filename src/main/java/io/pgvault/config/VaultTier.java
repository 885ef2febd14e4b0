package io.pgvault.config;

/**
 * Access tier the backup blobs are written with ({@code PGVAULT_VAULT_ACCESS_TIER}): Azure's blob tiers. Archive
 * is a tier Azure knows, so it parses; the support matrix refuses it (a restore could not start for hours).
 */
public enum VaultTier {
    HOT("Hot"),
    COOL("Cool"),
    COLD("Cold"),
    ARCHIVE("Archive");

    private final String spelling;

    VaultTier(String spelling) {
        this.spelling = spelling;
    }

    /** Azure's spelling, as the setting, the SDK and the support matrix use it. */
    @Override
    public String toString() {
        return spelling;
    }
}
