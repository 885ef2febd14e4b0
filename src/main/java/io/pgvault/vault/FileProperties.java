package io.pgvault.vault;

import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.LeaseStateType;

import java.time.Instant;

/**
 * What pgvault reads about one blob of the vault, without the storage SDK's types.
 *
 * @param bytes            its size
 * @param accessTier       Hot, Cool, Cold or Archive (null if the service did not say)
 * @param legalHold        whether a legal hold is set
 * @param immutableUntil   expiry of its immutability policy, or null if it has none
 * @param immutabilityMode mode of that policy ({@code Unlocked}, {@code Locked}), or null
 * @param leased           whether a lease is held on it
 */
public record FileProperties(long bytes, String accessTier, boolean legalHold, Instant immutableUntil,
        String immutabilityMode, boolean leased) {

    /** Whether the blob is in the Archive tier (it must be rehydrated before it can be read). */
    public boolean archived() {
        return "Archive".equalsIgnoreCase(accessTier);
    }

    /** The SDK's answer in pgvault's terms. */
    static FileProperties of(BlobProperties p) {
        var policy = p.getImmutabilityPolicy();
        boolean hasPolicy = policy != null && policy.getExpiryTime() != null;
        return new FileProperties(p.getBlobSize(), p.getAccessTier() == null ? null : p.getAccessTier().toString(),
                Boolean.TRUE.equals(p.hasLegalHold()), hasPolicy ? policy.getExpiryTime().toInstant() : null,
                hasPolicy && policy.getPolicyMode() != null ? policy.getPolicyMode().toString() : null,
                p.getLeaseState() == LeaseStateType.LEASED);
    }
}
