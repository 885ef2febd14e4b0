package io.pgvault.matrix;

import java.util.Objects;

/**
 * The largest value of one bytea column (or column of a domain over bytea) of an included database.
 *
 * @param database      database name
 * @param schema        schema name
 * @param table         table name
 * @param column        column name
 * @param maxValueBytes {@code max(octet_length(column))}; 0 for an empty column
 */
public record ByteaFacts(String database, String schema, String table, String column, long maxValueBytes) {

    /** Requires every name. */
    public ByteaFacts {
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(column, "column");
    }

    /** {@code database.schema.table.column}, for messages. */
    public String qualifiedName() {
        return database + "." + schema + "." + table + "." + column;
    }
}
