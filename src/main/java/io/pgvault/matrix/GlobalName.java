package io.pgvault.matrix;

import java.util.Locale;
import java.util.Objects;

/**
 * The name of a server-wide object a backup carries by name: a role or tablespace (the roles dump) or a database
 * (a dump file, the restore kit).
 *
 * @param kind what it names
 * @param name the name as the catalog holds it
 */
public record GlobalName(Kind kind, String name) {

    /** Kinds of server-wide objects, with their SQL keyword. */
    public enum Kind {
        /** {@code pg_roles.rolname}. */
        ROLE,
        /** {@code pg_database.datname}. */
        DATABASE,
        /** {@code pg_tablespace.spcname}. */
        TABLESPACE;

        /** The SQL keyword, e.g. {@code ROLE} of {@code ALTER ROLE}. */
        public String sql() {
            return name();
        }

        /** The word in messages, e.g. {@code role}. */
        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Requires both. */
    public GlobalName {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
    }
}
