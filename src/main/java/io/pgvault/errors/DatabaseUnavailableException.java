package io.pgvault.errors;

/** The PostgreSQL server could not be reached or refused the login. */
public class DatabaseUnavailableException extends PgvaultException {

    public DatabaseUnavailableException(String problem, String evidence, String hint) {
        super(problem, evidence, hint);
    }

    public DatabaseUnavailableException(String problem, String evidence, String hint, Throwable cause) {
        super(problem, evidence, hint, cause);
    }

    @Override
    public int httpStatus() {
        return 502;
    }

    @Override
    public String code() {
        return "database-unavailable";
    }
}
