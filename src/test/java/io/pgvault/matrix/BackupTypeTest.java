package io.pgvault.matrix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BackupTypeTest {

    @Test
    void parseIsCaseInsensitiveAndTrims() {
        assertEquals(BackupType.FULL, BackupType.parse("full"));
        assertEquals(BackupType.FULL, BackupType.parse(" Full "));
        assertEquals(BackupType.INCREMENTAL, BackupType.parse("INCREMENTAL"));
        assertEquals(BackupType.DIFFERENTIAL, BackupType.parse("Differential"));
    }

    @Test
    void unknownTextListsTheAllowedValues() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BackupType.parse("log"));
        assertTrue(e.getMessage().contains("'log'"), e.getMessage());
        assertTrue(e.getMessage().contains("full, incremental, differential"), e.getMessage());
    }

    @Test
    void nullAndBlankAreUnknown() {
        assertThrows(IllegalArgumentException.class, () -> BackupType.parse(null));
        assertThrows(IllegalArgumentException.class, () -> BackupType.parse(""));
    }
}
