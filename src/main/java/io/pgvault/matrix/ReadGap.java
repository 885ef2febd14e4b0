package io.pgvault.matrix;

import java.util.List;
import java.util.Objects;

/**
 * Objects of one kind in one database that a backup must read and pgvault's login role cannot: what the
 * {@code dump-privileges} rule reports. The inspection lists the first few and counts them all.
 *
 * @param kind     what is missing
 * @param database the database (for {@link Kind#GLOBALS}, the one pg_dumpall connects to)
 * @param objects  the first few objects, sorted: schema-qualified quoted names ({@code public."T"}), large object
 *                 OIDs, database names or catalog names, as SQL can take them (null: none)
 * @param count    how many objects there are in all (at least {@code objects.size()})
 * @param owners   the owners of those objects, distinct and sorted: who can grant access (null: none)
 */
public record ReadGap(Kind kind, String database, List<String> objects, long count, List<String> owners) {

    /** How many objects an inspection lists per gap. */
    public static final int LISTED = 5;

    /** What the role lacks. */
    public enum Kind {
        /** CONNECT on an included database. */
        CONNECT,
        /** SELECT on tables or sequences pg_dump reads, or USAGE on their schemas. */
        NO_SELECT,
        /** Tables with row-level security the role is subject to (no BYPASSRLS, not their owner, or FORCEd). */
        ROW_SECURITY,
        /** SELECT on large objects ({@code lo_compat_privileges} off). */
        LARGE_OBJECT,
        /** SELECT on a shared catalog {@code pg_dumpall --globals-only --no-role-passwords} reads. */
        GLOBALS
    }

    /** Requires kind and database; copies the lists; the count is at least the number listed. */
    public ReadGap {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(database, "database");
        objects = objects == null ? List.of() : List.copyOf(objects);
        owners = owners == null ? List.of() : List.copyOf(owners);
        count = Math.max(count, objects.size());
    }
}
