package io.pgvault.fleet;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import io.pgvault.vault.BackupLayout;

/** How pgvault logs in to a registered server; JSON {@code "entra"} or {@code "password"}. */
public enum AuthMode {
    /** A Microsoft Entra token of the app's managed identity (passwordless; the default). */
    ENTRA("entra"),
    /** A password, given only as a reference ({@code env:VAR} or a Key Vault secret URI). */
    PASSWORD("password");

    private final String spelling;

    AuthMode(String spelling) {
        this.spelling = spelling;
    }

    /** The JSON spelling, which is also the value of {@code PGVAULT_PG_AUTH}. */
    @JsonValue
    public String spelling() {
        return spelling;
    }

    /** Parses a spelling; null or blank is {@link #ENTRA}. */
    @JsonCreator
    public static AuthMode parse(String text) {
        if (text == null || text.isBlank()) {
            return ENTRA;
        }
        for (AuthMode m : values()) {
            if (m.spelling.equalsIgnoreCase(text.trim())) {
                return m;
            }
        }
        throw new PgvaultException(ErrorKind.INVALID_REQUEST, "The auth mode is not valid.",
                "auth: " + BackupLayout.printable(text), "Use \"entra\" (the app's managed identity) or \"password\" "
                        + "with a passwordRef.");
    }
}
