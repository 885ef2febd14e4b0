package io.pgvault.restore;

import com.fasterxml.jackson.annotation.JsonValue;
import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import io.pgvault.vault.BackupLayout;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How a restore checks the files it copied ({@code pgvault.restore.verify}): {@code sha256} reads each one back
 * and compares its SHA-256 with the manifest; {@code size} compares size and stored Content-MD5 without reading.
 */
public enum VerifyMode {
    SHA256("sha256"),
    SIZE("size");

    private final String spelling;

    VerifyMode(String spelling) {
        this.spelling = spelling;
    }

    @JsonValue
    @Override
    public String toString() {
        return spelling;
    }

    /** Whether the restored files are read back (SHA-256) rather than compared by their properties. */
    public boolean readsBack() {
        return this == SHA256;
    }

    /** The mode a setting names (any case, spaces around ignored), or a refusal naming the allowed values. */
    public static VerifyMode parse(String setting) {
        String mode = setting == null ? "" : setting.trim().toLowerCase(Locale.ROOT);
        for (VerifyMode m : values()) {
            if (m.spelling.equals(mode)) {
                return m;
            }
        }
        throw new PgvaultException(ErrorKind.CONFIGURATION, "PGVAULT_RESTORE_VERIFY has an unknown value.",
                "PGVAULT_RESTORE_VERIFY=" + BackupLayout.printable(mode) + "; allowed: "
                        + Arrays.stream(values()).map(VerifyMode::toString).collect(Collectors.joining(", ")),
                "Use sha256 (the default) or size.");
    }
}
