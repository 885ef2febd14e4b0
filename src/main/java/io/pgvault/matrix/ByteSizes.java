package io.pgvault.matrix;

import java.util.Locale;

/** Human-readable byte sizes in binary units, for evidence lines. */
final class ByteSizes {

    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

    private ByteSizes() {
    }

    /** {@code 524288000} → {@code "500.0 MiB"}; below 1 KiB, plain bytes ({@code "512 B"}). */
    static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < UNITS.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, UNITS[unit]);
    }

    /** {@code "500.0 MiB (524288000 bytes)"}: the unit for people, the exact number for checking. */
    static String humanAndExact(long bytes) {
        return human(bytes) + " (" + bytes + " bytes)";
    }
}
