package io.pgvault.errors;

/** The server, backup or job the request names does not exist in the vault. */
public class NotFoundException extends PgvaultException {

    public NotFoundException(String problem, String evidence, String hint) {
        super(problem, evidence, hint);
    }

    public NotFoundException(String problem, String evidence, String hint, Throwable cause) {
        super(problem, evidence, hint, cause);
    }

    @Override
    public int httpStatus() {
        return 404;
    }

    @Override
    public String code() {
        return "not-found";
    }
}
