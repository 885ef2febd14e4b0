package io.pgvault.matrix;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Kind of backup requested. Only {@link #FULL} is supported; the others exist so a request for them can be
 * parsed and refused by the matrix with a clear message instead of failing as unknown text.
 */
public enum BackupType {
    /** A complete logical dump of every included database. */
    FULL,
    /** Changes since the previous backup: not supported by the matrix. */
    INCREMENTAL,
    /** Changes since the previous full backup: not supported by the matrix. */
    DIFFERENTIAL;

    /**
     * Parses a type name case-insensitively ({@code "full"}, {@code "Full"}, {@code " FULL "}).
     *
     * @throws IllegalArgumentException for null or unknown text; the message lists the allowed values
     */
    public static BackupType parse(String text) {
        if (text != null) {
            String wanted = text.trim();
            for (BackupType t : values()) {
                if (t.name().equalsIgnoreCase(wanted)) {
                    return t;
                }
            }
        }
        throw new IllegalArgumentException("unknown backup type '" + text + "'; allowed values: " + allowedValues());
    }

    /** The allowed values in lower case, comma-separated: {@code "full, incremental, differential"}. */
    public static String allowedValues() {
        return Arrays.stream(values()).map(t -> t.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "));
    }
}
