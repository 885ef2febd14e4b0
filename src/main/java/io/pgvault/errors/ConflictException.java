package io.pgvault.errors;

/** The request collides with existing state: a taken week slot, files already at a restore target. */
public class ConflictException extends PgvaultException {

    public ConflictException(String problem, String evidence, String hint) {
        super(problem, evidence, hint);
    }

    public ConflictException(String problem, String evidence, String hint, Throwable cause) {
        super(problem, evidence, hint, cause);
    }

    @Override
    public int httpStatus() {
        return 409;
    }

    @Override
    public String code() {
        return "conflict";
    }
}
