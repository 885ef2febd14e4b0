package io.pgvault.matrix;

import java.util.Locale;

/**
 * Where an Azure resource lives: its Microsoft Entra tenant, subscription and region.
 *
 * <p>A null or blank value means <em>unknown</em>; rules compare two placements only where both sides are known,
 * so local runs (no Azure placement at all) are never refused for placement. Tenant ids compare case-insensitively
 * (they are GUIDs); region names compare after {@link #normalizeRegion(String)}, so {@code "UK South"} equals
 * {@code "uksouth"}.
 *
 * @param tenantId       Microsoft Entra tenant id, or null/blank if unknown
 * @param subscriptionId subscription id, or null/blank if unknown (never judged: cross-subscription is supported)
 * @param region         Azure region, display name or programmatic name, or null/blank if unknown
 */
public record Placement(String tenantId, String subscriptionId, String region) {

    /** A placement of which nothing is known. */
    public static Placement unknown() {
        return new Placement(null, null, null);
    }

    /**
     * Normalises an Azure region name for comparison: lower case, whitespace removed
     * ({@code "UK South"} → {@code "uksouth"}, {@code "West US 3"} → {@code "westus3"}).
     *
     * @return the normalised name, or null if {@code region} is null or blank
     */
    public static String normalizeRegion(String region) {
        if (isBlank(region)) {
            return null;
        }
        return region.replaceAll("\\s+", "").toLowerCase(Locale.ROOT);
    }

    /** Whether the tenant is known. */
    public boolean tenantKnown() {
        return !isBlank(tenantId);
    }

    /** Whether the region is known. */
    public boolean regionKnown() {
        return !isBlank(region);
    }

    /** The {@link #normalizeRegion normalised} region, or null if unknown. */
    public String normalizedRegion() {
        return normalizeRegion(region);
    }

    /** True only when both tenants are known and differ (case-insensitively). */
    public boolean tenantDiffersFrom(Placement other) {
        return tenantKnown() && other != null && other.tenantKnown()
                && !tenantId.trim().equalsIgnoreCase(other.tenantId.trim());
    }

    /** True only when both regions are known and differ after normalisation. */
    public boolean regionDiffersFrom(Placement other) {
        return regionKnown() && other != null && other.regionKnown()
                && !normalizedRegion().equals(other.normalizedRegion());
    }

    static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
