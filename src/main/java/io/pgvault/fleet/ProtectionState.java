package io.pgvault.fleet;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import io.pgvault.vault.BackupLayout;

/**
 * Whether a registered server is backed up (Azure Backup's protection states): {@code Protected} (scheduled),
 * {@code Paused} (kept, not scheduled) or {@code Stopped} (protection stopped; its backups stay until deleted).
 */
public enum ProtectionState {
    PROTECTED("Protected"),
    PAUSED("Paused"),
    STOPPED("Stopped");

    private final String spelling;

    ProtectionState(String spelling) {
        this.spelling = spelling;
    }

    @JsonValue
    public String spelling() {
        return spelling;
    }

    /** Parses a spelling (any case); null or blank is {@link #PROTECTED}. */
    @JsonCreator
    public static ProtectionState parse(String text) {
        if (text == null || text.isBlank()) {
            return PROTECTED;
        }
        for (ProtectionState s : values()) {
            if (s.spelling.equalsIgnoreCase(text.trim())) {
                return s;
            }
        }
        throw new PgvaultException(ErrorKind.INVALID_REQUEST, "The protection state is not valid.",
                "state: " + BackupLayout.printable(text), "Use Protected, Paused or Stopped.");
    }
}
