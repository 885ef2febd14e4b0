package io.pgvault.matrix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** {@link SupportMatrix#selectDatabases}: what a backup takes and what it leaves out, with reasons. */
class DatabaseSelectionTest {

    private static final List<DatabaseFacts> SERVER = List.of(
            new DatabaseFacts("zeta", "app_owner", true, 300),
            new DatabaseFacts("template1", "postgres", true, 7),
            new DatabaseFacts("postgres", "azure_pg_admin", true, 8),
            new DatabaseFacts("azure_maintenance", "azuresu", true, 9),
            new DatabaseFacts("frozen", "app_owner", false, 11),
            new DatabaseFacts("alpha", "app_owner", true, 200),
            new DatabaseFacts("template0", "postgres", false, 7),
            new DatabaseFacts("local_postgres", "postgres", true, 100));

    @Test
    void includedAreOrdinaryDatabasesSortedByName() {
        DatabaseSelection s = SupportMatrix.selectDatabases(SERVER);
        assertEquals(List.of("alpha", "local_postgres", "zeta"), s.includedNames());
        assertEquals(600, s.includedSizeBytes());
    }

    @Test
    void excludedCarryTheirReasonsSortedByName() {
        DatabaseSelection s = SupportMatrix.selectDatabases(SERVER);
        assertEquals(List.of(
                new Exclusion("azure_maintenance", "azuresu",
                        "owned by azuresu: the support matrix excludes databases owned by azuresu or azure_pg_admin"),
                new Exclusion("frozen", "app_owner", "does not allow connections"),
                new Exclusion("postgres", "azure_pg_admin",
                        "owned by azure_pg_admin: the support matrix excludes databases owned by azuresu or"
                                + " azure_pg_admin"),
                new Exclusion("template0", "postgres", "template database"),
                new Exclusion("template1", "postgres", "template database")), s.excluded());
    }

    @Test
    void templateReasonWinsOverTheOthers() {
        DatabaseSelection s = SupportMatrix.selectDatabases(
                List.of(new DatabaseFacts("template0", "azuresu", false, 1)));
        assertEquals("template database", s.excluded().get(0).reason());
    }

    @Test
    void ownerMatchIsExactNotCaseInsensitive() {
        // Role names are case-sensitive in PostgreSQL: "AzureSU" is a different role.
        DatabaseSelection s = SupportMatrix.selectDatabases(List.of(new DatabaseFacts("x", "AzureSU", true, 1)));
        assertEquals(List.of("x"), s.includedNames());
    }

    @Test
    void nullOrEmptyInputSelectsNothing() {
        assertTrue(SupportMatrix.selectDatabases(null).isEmpty());
        assertTrue(SupportMatrix.selectDatabases(List.of()).isEmpty());
    }

    @Test
    void selectionListsAreImmutableCopies() {
        List<DatabaseFacts> source = new ArrayList<>(SERVER);
        DatabaseSelection s = SupportMatrix.selectDatabases(source);
        source.clear();
        assertEquals(3, s.included().size());
        assertThrows(UnsupportedOperationException.class, () -> s.included().add(SERVER.get(0)));
    }
}
