package io.pgvault.matrix;

/**
 * The vault: the storage container the backup is written to.
 *
 * @param accessTier access tier the backup blobs are written with ({@code Hot}, {@code Cool}, {@code Cold});
 *                   null or blank means the account's default tier, which Azure never lets be Archive
 * @param placement  tenant, subscription and region of the vault's storage account (null: unknown)
 */
public record VaultFacts(String accessTier, Placement placement) {

    /** A null placement becomes {@link Placement#unknown()}. */
    public VaultFacts {
        placement = placement == null ? Placement.unknown() : placement;
    }
}
