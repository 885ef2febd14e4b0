package io.pgvault.errors;

/**
 * Every kind of failure pgvault reports, in one table (as pgBackRest's build/error.yaml): its stable code, the
 * HTTP status an HTTP function answers with, and what it means. A {@link PgvaultException} carries one kind.
 */
public enum ErrorKind {
    /** The request itself is wrong: malformed, missing a field, or naming something that cannot exist. */
    INVALID_REQUEST("invalid-request", 400),
    /** The restore target container is not allowed, not reachable, or not writable. */
    RESTORE_TARGET("restore-target", 400),
    /** The server, backup or job the request names does not exist in the vault. */
    NOT_FOUND("not-found", 404),
    /** The request collides with existing state: a taken week slot, files already at a restore target. */
    CONFLICT("conflict", 409),
    /** The support matrix refused a backup or restore (see {@link MatrixRefusedException}). */
    MATRIX_REFUSED("matrix-refused", 422),
    /** pgvault's own settings are missing or wrong. */
    CONFIGURATION("configuration", 500),
    /**
     * An app setting ({@code PGVAULT_...}) has a value pgvault cannot read: not a number, duration, boolean or one
     * of its allowed words, or out of range. The message names the setting, its value and the expected format.
     */
    BAD_SETTING("bad-setting", 500),
    /** A stored file does not match what its manifest recorded, or a stored document is not what pgvault wrote. */
    INTEGRITY("integrity", 500),
    /** The PostgreSQL server could not be reached or refused the login. */
    DATABASE_UNAVAILABLE("database-unavailable", 502),
    /** pg_dump or pg_dumpall failed; the evidence is the tool's own stderr. */
    DUMP_FAILED("dump-failed", 502),
    /** The vault storage account or container could not be reached or written. */
    VAULT_UNAVAILABLE("vault-unavailable", 502),
    /** The backup queue (pgvault-backups in the Functions host's storage, AzureWebJobsStorage) could not be reached. */
    QUEUE_UNAVAILABLE("queue-unavailable", 502),
    /**
     * Other runs hold what this one needs for the moment (e.g. every backup id of the last seconds): transient,
     * unlike {@link #CONFLICT}; a queued backup is retried.
     */
    BUSY("busy", 503);

    private final String code;
    private final int httpStatus;

    ErrorKind(String code, int httpStatus) {
        this.code = code;
        this.httpStatus = httpStatus;
    }

    /** Stable machine-readable code (the {@code error} field of an HTTP answer, a job record's error code). */
    public String code() {
        return code;
    }

    /** HTTP status an HTTP function answers with. */
    public int httpStatus() {
        return httpStatus;
    }
}
