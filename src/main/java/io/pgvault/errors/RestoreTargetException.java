package io.pgvault.errors;

/** The restore target container is not allowed, not reachable, or not writable. */
public class RestoreTargetException extends PgvaultException {

    public RestoreTargetException(String problem, String evidence, String hint) {
        super(problem, evidence, hint);
    }

    public RestoreTargetException(String problem, String evidence, String hint, Throwable cause) {
        super(problem, evidence, hint, cause);
    }

    @Override
    public int httpStatus() {
        return 400;
    }

    @Override
    public String code() {
        return "restore-target";
    }
}
