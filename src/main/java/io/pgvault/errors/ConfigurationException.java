package io.pgvault.errors;

/** pgvault's own settings are missing or wrong. */
public class ConfigurationException extends PgvaultException {

    public ConfigurationException(String problem, String evidence, String hint) {
        super(problem, evidence, hint);
    }

    public ConfigurationException(String problem, String evidence, String hint, Throwable cause) {
        super(problem, evidence, hint, cause);
    }

    @Override
    public int httpStatus() {
        return 500;
    }

    @Override
    public String code() {
        return "configuration";
    }
}
