package io.pgvault.config;

/** How pgvault logs in to PostgreSQL ({@code PGVAULT_PG_AUTH}). */
public enum PgAuth {
    /** The configured password (locally, or a Key Vault reference resolved by the Functions host). */
    PASSWORD("password"),
    /** A Microsoft Entra token of the app's managed identity, used as the password. */
    ENTRA("entra");

    private final String spelling;

    PgAuth(String spelling) {
        this.spelling = spelling;
    }

    /** The setting's spelling. */
    @Override
    public String toString() {
        return spelling;
    }
}
