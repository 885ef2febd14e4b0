package io.pgvault.errors;

/** The vault storage account or container could not be reached or written. */
public class VaultUnavailableException extends PgvaultException {

    public VaultUnavailableException(String problem, String evidence, String hint) {
        super(problem, evidence, hint);
    }

    public VaultUnavailableException(String problem, String evidence, String hint, Throwable cause) {
        super(problem, evidence, hint, cause);
    }

    @Override
    public int httpStatus() {
        return 502;
    }

    @Override
    public String code() {
        return "vault-unavailable";
    }
}
