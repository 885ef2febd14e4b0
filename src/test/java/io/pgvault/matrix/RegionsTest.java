package io.pgvault.matrix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

/** Region names, the Azure region-pair table and the matrix's GA regions. */
class RegionsTest {

    private final RegionPairs pairs = RegionPairs.standard();
    private final RegionAvailability availability = RegionAvailability.standard();

    @Test
    void regionNamesNormaliseCaseAndSpaces() {
        assertEquals("uksouth", Placement.normalizeRegion("UK South"));
        assertEquals("westus3", Placement.normalizeRegion(" West US 3 "));
        assertEquals(null, Placement.normalizeRegion("  "));
        assertFalse(new Placement(null, null, "UK South").regionDiffersFrom(new Placement(null, null, "uksouth")));
        assertTrue(new Placement(null, null, "UK South").regionDiffersFrom(new Placement(null, null, "ukwest")));
    }

    @Test
    void ukSouthAndUkWestArePairedBothWays() {
        assertEquals(Optional.of("ukwest"), pairs.pairOf("uksouth"));
        assertEquals(Optional.of("uksouth"), pairs.pairOf("UK West"));
        assertTrue(pairs.sameOrPaired("UK South", "ukwest"));
        assertTrue(pairs.sameOrPaired("ukwest", "uksouth"));
    }

    @Test
    void eastUsAndWestUsArePaired() {
        assertEquals(Optional.of("westus"), pairs.pairOf("East US"));
        assertEquals(Optional.of("eastus"), pairs.pairOf("westus"));
        assertTrue(pairs.sameOrPaired("eastus", "westus"));
    }

    @Test
    void asymmetricPairsAreDirectionalInPairOfButPairedBothWays() {
        assertEquals(Optional.of("eastus"), pairs.pairOf("westus3"));
        assertEquals(Set.of("westus", "westus3"), pairs.pairedWith("eastus"));
        assertEquals(Optional.of("southcentralus"), pairs.pairOf("brazilsouth"));
        assertEquals(Optional.of("northcentralus"), pairs.pairOf("southcentralus"));
        assertEquals(Optional.of("centralindia"), pairs.pairOf("southindia"));
        assertEquals(Optional.of("southindia"), pairs.pairOf("westindia"));
    }

    @Test
    void regionWithoutPairHasNone() {
        assertEquals(Optional.empty(), pairs.pairOf("polandcentral"));
        assertEquals(Set.of(), pairs.pairedWith("Italy North"));
        assertTrue(pairs.sameOrPaired("polandcentral", "Poland Central"));
        assertFalse(pairs.sameOrPaired("polandcentral", "germanywestcentral"));
    }

    @Test
    void unrelatedOrUnknownRegionsAreNotPaired() {
        assertFalse(pairs.sameOrPaired("uksouth", "eastus"));
        assertFalse(pairs.sameOrPaired("uksouth", null));
        assertFalse(pairs.sameOrPaired(" ", "uksouth"));
        assertEquals(Optional.empty(), pairs.pairOf(null));
    }

    /**
     * The Microsoft Learn page ("Azure region pairs and nonpaired regions"), transcribed here on its own as the
     * page shows it — a pair per line, both ways unless it is one of the page's asymmetric pairs — and not read
     * from region-pairs.csv: the loaded table must hold exactly these regions, each with exactly this secondary.
     */
    static final List<String> TWO_WAY = List.of(
            "East Asia|Southeast Asia", "Australia East|Australia Southeast", "Australia Central|Australia Central 2",
            "Canada Central|Canada East", "China North|China East", "China North 2|China East 2",
            "China North 3|China East 3", "North Europe|West Europe", "France Central|France South",
            "Germany West Central|Germany North", "Central India|South India", "Japan East|Japan West",
            "Korea Central|Korea South", "Norway East|Norway West", "South Africa North|South Africa West",
            "Sweden Central|Sweden South", "Switzerland North|Switzerland West", "UAE North|UAE Central",
            "UK West|UK South", "US DoD East|US DoD Central", "US Gov Virginia|US Gov Texas", "East US|West US",
            "East US 2|Central US", "North Central US|South Central US", "West US 2|West Central US");
    /** The page's asymmetric pairs: region → its secondary, which pairs elsewhere. */
    static final List<String> ONE_WAY = List.of("Brazil South|South Central US", "Brazil Southeast|Brazil South",
            "West India|South India", "US Gov Arizona|US Gov Texas", "West US 3|East US");

    @Test
    void tableCoversEveryRegionOfThePage() {
        Map<String, String> expected = new TreeMap<>();
        for (String pair : TWO_WAY) {
            String[] ab = pair.split("\\|");
            expected.put(programmatic(ab[0]), programmatic(ab[1]));
            expected.put(programmatic(ab[1]), programmatic(ab[0]));
        }
        for (String pair : ONE_WAY) {
            String[] ab = pair.split("\\|");
            expected.put(programmatic(ab[0]), programmatic(ab[1]));
        }
        assertEquals(55, expected.size(), "25 two-way pairs and 5 one-way rows on the page");
        assertEquals(expected.keySet(), pairs.regions(), "exactly the page's regions");
        for (var e : expected.entrySet()) {
            assertEquals(Optional.of(e.getValue()), pairs.pairOf(e.getKey()), "secondary of " + e.getKey());
        }
    }

    /** A display name as Azure's programmatic name: lower case, no spaces ("UK South" → "uksouth"). */
    static String programmatic(String displayName) {
        return displayName.toLowerCase(Locale.ROOT).replace(" ", "");
    }

    @Test
    void parserRefusesARegionListedTwice() {
        String csv = "# test\ngeography,region,secondary\nUK,UK South,UK West\nUK,uksouth,eastus\n";
        assertThrows(IllegalStateException.class,
                () -> RegionPairs.parse(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void gaRegionsAreTheMatrixFive() {
        assertEquals(Set.of("eastasia", "centralindia", "southeastasia", "uksouth", "ukwest"),
                availability.generallyAvailable());
        assertTrue(availability.isGenerallyAvailable("UK South"));
        assertTrue(availability.isGenerallyAvailable("southeastasia"));
        assertFalse(availability.isGenerallyAvailable("eastus"));
        assertFalse(availability.isGenerallyAvailable("southindia"));
        assertFalse(availability.isGenerallyAvailable(null));
    }
}
