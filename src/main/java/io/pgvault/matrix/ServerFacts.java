package io.pgvault.matrix;

import java.util.List;

/**
 * What was found on the PostgreSQL server to back up.
 *
 * @param serverName    pgvault's name of the server (the vault's first path segment)
 * @param serverVersion {@code server_version}, e.g. {@code "16.4"}
 * @param serverMajor   major version, e.g. 16 ({@code server_version_num / 10000})
 * @param inRecovery    {@code pg_is_in_recovery()}: true on a replica
 * @param databases     every database of {@code pg_database}, included or not (null: none)
 * @param byteaColumns  one entry per bytea column of the included databases (null: none)
 * @param placement     tenant, subscription and region of the server (null: unknown)
 * @param globalNames   roles and tablespaces whose names {@link SafeNames#unsafe} flags (null: none). Only those:
 *                      a server may have thousands of roles, and the matrix judges nothing else about them.
 *                      Database names are judged from {@code databases}.
 * @param privileges    what pgvault's login role may read of what the backup dumps (null: none known,
 *                      {@link PrivilegeFacts#unknown()})
 */
public record ServerFacts(String serverName, String serverVersion, int serverMajor, boolean inRecovery,
                          List<DatabaseFacts> databases, List<ByteaFacts> byteaColumns, Placement placement,
                          List<GlobalName> globalNames, PrivilegeFacts privileges) {

    /** Copies the lists; null lists become empty and a null placement becomes {@link Placement#unknown()}. */
    public ServerFacts {
        privileges = privileges == null ? PrivilegeFacts.unknown() : privileges;
        databases = databases == null ? List.of() : List.copyOf(databases);
        byteaColumns = byteaColumns == null ? List.of() : List.copyOf(byteaColumns);
        placement = placement == null ? Placement.unknown() : placement;
        globalNames = globalNames == null ? List.of() : List.copyOf(globalNames);
    }

    /** Facts with nothing known about the login role's privileges. */
    public ServerFacts(String serverName, String serverVersion, int serverMajor, boolean inRecovery,
                       List<DatabaseFacts> databases, List<ByteaFacts> byteaColumns, Placement placement,
                       List<GlobalName> globalNames) {
        this(serverName, serverVersion, serverMajor, inRecovery, databases, byteaColumns, placement, globalNames, null);
    }

    /** Facts with no flagged role or tablespace name. */
    public ServerFacts(String serverName, String serverVersion, int serverMajor, boolean inRecovery,
                       List<DatabaseFacts> databases, List<ByteaFacts> byteaColumns, Placement placement) {
        this(serverName, serverVersion, serverMajor, inRecovery, databases, byteaColumns, placement, null, null);
    }
}
