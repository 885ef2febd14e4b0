package io.pgvault.errors;

/** A stored file does not match what its manifest recorded. */
public class IntegrityException extends PgvaultException {

    public IntegrityException(String problem, String evidence, String hint) {
        super(problem, evidence, hint);
    }

    public IntegrityException(String problem, String evidence, String hint, Throwable cause) {
        super(problem, evidence, hint, cause);
    }

    @Override
    public int httpStatus() {
        return 500;
    }

    @Override
    public String code() {
        return "integrity";
    }
}
