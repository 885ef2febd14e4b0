package io.pgvault.matrix;

import java.util.Set;

/**
 * The numeric limits of the support matrix, configurable so tests (and deliberate departures) can change them.
 *
 * @param maxServerSizeBytes largest accepted server size: the sum of {@code pg_database_size} over the included
 *                           databases; a size exactly at the limit is accepted
 * @param maxByteaBytes      largest accepted single bytea value; a value exactly at the limit is accepted
 */
public record MatrixPolicy(long maxServerSizeBytes, long maxByteaBytes) {

    /** "server size &lt;= 1 TB", read as 1 TiB. */
    public static final long DEFAULT_MAX_SERVER_SIZE_BYTES = 1L << 40; // 1099511627776

    /** "BYTEA length exceeding 500 MB", read as 500 MiB. */
    public static final long DEFAULT_MAX_BYTEA_BYTES = 500L << 20; // 524288000

    /** Owners whose databases the matrix excludes from backup and restore. */
    public static final Set<String> EXCLUDED_OWNERS = Set.of("azuresu", "azure_pg_admin");

    /** Template databases: never backed up (they are part of every PostgreSQL installation). */
    public static final Set<String> TEMPLATE_DATABASES = Set.of("template0", "template1");

    /** Requires positive limits. */
    public MatrixPolicy {
        if (maxServerSizeBytes <= 0 || maxByteaBytes <= 0) {
            throw new IllegalArgumentException("matrix limits must be positive: maxServerSizeBytes="
                    + maxServerSizeBytes + ", maxByteaBytes=" + maxByteaBytes);
        }
    }

    /** The matrix's own limits: 1 TiB (1099511627776 bytes) and 500 MiB (524288000 bytes). */
    public static MatrixPolicy defaults() {
        return new MatrixPolicy(DEFAULT_MAX_SERVER_SIZE_BYTES, DEFAULT_MAX_BYTEA_BYTES);
    }
}
