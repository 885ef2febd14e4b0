package io.pgvault.matrix;

import java.util.Objects;

/**
 * One database of the server, as {@code pg_database} reports it.
 *
 * @param name             {@code datname}
 * @param owner            name of the owning role ({@code pg_get_userbyid(datdba)}), or null if unknown
 * @param allowConnections {@code datallowconn}
 * @param sizeBytes        {@code pg_database_size(oid)}
 */
public record DatabaseFacts(String name, String owner, boolean allowConnections, long sizeBytes) {

    /** Requires a name. */
    public DatabaseFacts {
        Objects.requireNonNull(name, "name");
    }
}
