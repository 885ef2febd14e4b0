package io.pgvault.matrix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;

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

    @Test
    void tableCoversEveryRegionOfThePage() {
        // 25 two-way pairs (50 rows) + 5 one-way rows in the Microsoft Learn table.
        assertEquals(55, pairs.regions().size());
        for (String region : pairs.regions()) {
            assertTrue(pairs.pairOf(region).isPresent(), region);
        }
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
