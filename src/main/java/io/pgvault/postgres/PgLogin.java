package io.pgvault.postgres;

import java.util.Objects;

/**
 * A role and its password for one connection or tool run: pgvault's own login, or the scratch role a verify's test
 * restore logs in as. The password is never part of {@link #toString()}.
 *
 * @param user     role name
 * @param password password or Entra token; empty for none
 */
public record PgLogin(String user, String password) {

    /** Requires both. */
    public PgLogin {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
    }

    @Override
    public String toString() {
        return "PgLogin[user=" + user + "]";
    }
}
