package io.pgvault.config;

import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import io.quarkus.runtime.configuration.DurationConverter;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * How {@link Settings} reads text: whole numbers in a range, durations, closed sets, compression spellings, and the
 * {@link ErrorKind#BAD_SETTING} error (app-setting name, printable value, HINT) for anything else.
 */
final class SettingText {

    private SettingText() {
    }

    /** A compression spelling ({@code zstd[:1-19]}, {@code gzip[:1-9]}, {@code none}) named {@code name} in errors. */
    static Compression.Choice compression(String name, Optional<String> raw) {
        String hint = "Set " + name + " to zstd[:1-19] (fastest, the default), gzip[:1-9] (pg_dump's own) or none.";
        String text = present(name, raw, hint).trim().toLowerCase(Locale.ROOT);
        String[] parts = text.split(":", 2);
        for (Compression c : Compression.values()) {
            if (c.toString().equals(parts[0])) {
                if (parts.length == 1) {
                    return new Compression.Choice(c, c.defaultLevel());
                }
                Long level = parseLong(parts[1]);
                if (c != Compression.NONE && level != null && level >= c.minLevel() && level <= c.maxLevel()) {
                    return new Compression.Choice(c, level.intValue());
                }
            }
        }
        throw bad(name, raw.orElse(""), "is not a compression pgvault knows", hint);
    }


    /** A text setting's value; empty (an app setting set to nothing) is a {@link ErrorKind#BAD_SETTING} error. */
    static String text(String name, Optional<String> raw) {
        return present(name, raw, "Set " + name + ", or delete the app setting to use its default (see docs/operations.md).");
    }

    static long number(String name, Optional<String> raw, long min, long max, String unit) {
        String hint = "Set " + name + " to a whole number of " + unit + " from " + min
                + (max == Long.MAX_VALUE || max == Integer.MAX_VALUE ? " up" : " to " + max)
                + ", or delete the app setting to use the default.";
        Long value = parseLong(present(name, raw, hint).trim().replace("_", ""));
        if (value == null) {
            throw bad(name, raw.get(), "is not a whole number", hint);
        }
        if (value < min || value > max) {
            throw bad(name, raw.get(), "is out of range", hint);
        }
        return value;
    }

    static Duration duration(String name, Optional<String> raw) {
        String hint = "Set " + name + " to a positive ISO-8601 duration such as PT30S, PT10M, PT12H, or a number with a"
                + " unit such as 500ms, 30s, 10m, 12h, 2d; or delete the app setting to use the default.";
        Duration d;
        try {
            d = DurationConverter.parseDuration(present(name, raw, hint).trim());
        } catch (RuntimeException e) {
            d = null;
        }
        if (d == null || d.isNegative() || d.isZero()) {
            throw bad(name, raw.get(), "is not a positive duration", hint);
        }
        return d;
    }

    /** The constant whose {@code toString()} is the value, ignoring case. */
    static <E extends Enum<E>> E oneOf(String name, Optional<String> raw, E[] allowed) {
        String words = Arrays.stream(allowed).map(Object::toString).collect(Collectors.joining(", "));
        String hint = "Set " + name + " to one of: " + words + ".";
        String text = present(name, raw, hint).trim();
        return Arrays.stream(allowed).filter(e -> e.toString().equalsIgnoreCase(text)).findFirst()
                .orElseThrow(() -> bad(name, raw.get(), "is not one of " + words, hint));
    }

    static String present(String name, Optional<String> raw, String hint) {
        if (raw.isEmpty() || raw.get().isBlank()) {
            throw new PgvaultException(ErrorKind.BAD_SETTING, "The app setting " + name + " is empty.", name + "=",
                    hint);
        }
        return raw.get();
    }

    static Long parseLong(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static PgvaultException bad(String name, String value, String why, String hint) {
        return new PgvaultException(ErrorKind.BAD_SETTING, "The app setting " + name + " " + why + ".",
                name + "=" + printable(value), hint);
    }

    /** The value as shown in an error: control characters escaped, at most 100 characters. */
    static String printable(String value) {
        StringBuilder sb = new StringBuilder();
        value.codePoints().limit(100).forEach(c -> sb.append(Character.isISOControl(c)
                ? String.format("\\u%04x", c) : new String(Character.toChars(c))));
        return value.codePointCount(0, value.length()) > 100 ? sb + "…" : sb.toString();
    }
}
