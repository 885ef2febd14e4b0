package io.pgvault.errors;

/** The request itself is wrong: malformed, missing a field, or naming something that cannot exist. */
public class InvalidRequestException extends PgvaultException {

    public InvalidRequestException(String problem, String evidence, String hint) {
        super(problem, evidence, hint);
    }

    public InvalidRequestException(String problem, String evidence, String hint, Throwable cause) {
        super(problem, evidence, hint, cause);
    }

    @Override
    public int httpStatus() {
        return 400;
    }

    @Override
    public String code() {
        return "invalid-request";
    }
}
