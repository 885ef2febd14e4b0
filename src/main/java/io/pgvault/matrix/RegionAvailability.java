package io.pgvault.matrix;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Where the matrix calls PostgreSQL Flexible Server vaulted backup generally available. Everywhere else it is in
 * preview, which pgvault reports as a {@link Severity#WARNING}, not an error.
 *
 * <p>Source: the support matrix, "Supported regions": "Azure Database for PostgreSQL - Flexible server backup is
 * generally available in the following regions: East Asia, Central India, Southeast Asia, UK South, and UK West.
 * However, this feature is currently in preview for other regions."
 */
public final class RegionAvailability {

    /** The generally available regions, as the matrix names them. */
    public static final List<String> GA_REGION_DISPLAY_NAMES =
            List.of("East Asia", "Central India", "Southeast Asia", "UK South", "UK West");

    private static final RegionAvailability STANDARD = new RegionAvailability(GA_REGION_DISPLAY_NAMES);

    private final Set<String> generallyAvailable;

    /** Availability over the given regions (display or programmatic names). */
    public RegionAvailability(List<String> gaRegions) {
        Set<String> normalised = new LinkedHashSet<>();
        for (String r : gaRegions) {
            String n = Placement.normalizeRegion(r);
            if (n != null) {
                normalised.add(n);
            }
        }
        this.generallyAvailable = Collections.unmodifiableSet(normalised);
    }

    /** The matrix's list. */
    public static RegionAvailability standard() {
        return STANDARD;
    }

    /** Whether the region is GA ({@code "UK South"}, {@code "uksouth"}); false for null or blank. */
    public boolean isGenerallyAvailable(String region) {
        String n = Placement.normalizeRegion(region);
        return n != null && generallyAvailable.contains(n);
    }

    /** The GA regions, normalised, in the matrix's order. */
    public Set<String> generallyAvailable() {
        return generallyAvailable;
    }
}
