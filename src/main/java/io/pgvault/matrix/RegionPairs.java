package io.pgvault.matrix;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The Azure region-pair table, which decides where a restore may go ("Restores are supported across regions (Azure
 * Paired)").
 *
 * <p>The table is data, in {@code region-pairs.csv} next to this class, taken from Microsoft Learn, "Azure
 * cross-region replication pairings for all geographies" (now "Azure region pairs and nonpaired regions"). Each row
 * names a region and its <em>secondary</em> region. Most pairs are symmetric (two rows); a few are asymmetric (West US
 * 3 → East US, West India → South India, Brazil South → South Central US, Brazil Southeast → Brazil South,
 * US Gov Arizona → US Gov Texas). Region names are normalised with {@link Placement#normalizeRegion(String)}.
 *
 * <p>{@link #pairOf} answers the directional question (a region's secondary); {@link #sameOrPaired} treats two
 * regions as paired if either is the other's secondary, since the table lists them as one pair.
 */
public final class RegionPairs {

    /** Resource holding the table, relative to this class. */
    public static final String RESOURCE = "region-pairs.csv";

    private static final RegionPairs STANDARD = load();

    private final Map<String, String> secondaryOf;

    private RegionPairs(Map<String, String> secondaryOf) {
        this.secondaryOf = Collections.unmodifiableMap(new LinkedHashMap<>(secondaryOf));
    }

    /** The table shipped with pgvault. */
    public static RegionPairs standard() {
        return STANDARD;
    }

    /**
     * The region's secondary region (normalised), e.g. {@code "UK South"} → {@code "ukwest"}, or empty for an
     * unknown region, a region without a pair (e.g. Poland Central) or null/blank.
     */
    public Optional<String> pairOf(String region) {
        String key = Placement.normalizeRegion(region);
        return key == null ? Optional.empty() : Optional.ofNullable(secondaryOf.get(key));
    }

    /**
     * Every region paired with this one in either direction (normalised, sorted): its secondary and every region whose
     * secondary it is. {@code "eastus"} → {@code [westus, westus3]}.
     */
    public Set<String> pairedWith(String region) {
        String key = Placement.normalizeRegion(region);
        Set<String> paired = new TreeSet<>();
        if (key == null) {
            return paired;
        }
        pairOf(key).ifPresent(paired::add);
        secondaryOf.forEach((from, to) -> {
            if (to.equals(key)) {
                paired.add(from);
            }
        });
        return paired;
    }

    /**
     * True when both regions are known and are the same region (after normalisation) or a pair in either direction.
     * False when either is null or blank.
     */
    public boolean sameOrPaired(String a, String b) {
        String na = Placement.normalizeRegion(a);
        String nb = Placement.normalizeRegion(b);
        if (na == null || nb == null) {
            return false;
        }
        return na.equals(nb) || nb.equals(secondaryOf.get(na)) || na.equals(secondaryOf.get(nb));
    }

    /** Every region that has a secondary, normalised. */
    public Set<String> regions() {
        return Collections.unmodifiableSet(new TreeSet<>(secondaryOf.keySet()));
    }

    private static RegionPairs load() {
        try (InputStream in = RegionPairs.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource io/pgvault/matrix/" + RESOURCE);
            }
            return parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read io/pgvault/matrix/" + RESOURCE, e);
        }
    }

    /**
     * Parses the CSV: {@code #} comment lines, a header {@code geography,region,secondary}, then one row per region.
     * A region listed twice is refused (a region has one secondary).
     */
    static RegionPairs parse(InputStream in) throws IOException {
        Map<String, String> secondaryOf = new LinkedHashMap<>();
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        boolean headerSeen = false;
        int lineNo = 0;
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            lineNo++;
            String trimmed = line.trim();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            if (!headerSeen) {
                headerSeen = true; // geography,region,secondary
                continue;
            }
            String[] cells = trimmed.split(",", -1);
            if (cells.length != 3) {
                throw new IllegalStateException(RESOURCE + ":" + lineNo + ": expected 3 cells, got " + cells.length);
            }
            String region = Placement.normalizeRegion(cells[1]);
            String secondary = Placement.normalizeRegion(cells[2]);
            if (region == null || secondary == null) {
                throw new IllegalStateException(RESOURCE + ":" + lineNo + ": empty region");
            }
            if (secondaryOf.putIfAbsent(region, secondary) != null) {
                throw new IllegalStateException(RESOURCE + ":" + lineNo + ": region listed twice: " + region);
            }
        }
        return new RegionPairs(secondaryOf);
    }
}
