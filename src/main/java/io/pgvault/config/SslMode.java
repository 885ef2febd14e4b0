package io.pgvault.config;

/** libpq's sslmode ({@code PGVAULT_PG_SSLMODE}), passed as is to the JDBC driver and to pg_dump. */
public enum SslMode {
    DISABLE("disable"),
    ALLOW("allow"),
    PREFER("prefer"),
    REQUIRE("require"),
    VERIFY_CA("verify-ca"),
    VERIFY_FULL("verify-full");

    private final String spelling;

    SslMode(String spelling) {
        this.spelling = spelling;
    }

    /** libpq's spelling. */
    @Override
    public String toString() {
        return spelling;
    }
}
