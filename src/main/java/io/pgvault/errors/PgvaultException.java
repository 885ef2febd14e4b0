package io.pgvault.errors;

/**
 * Base of every failure pgvault reports to a user: what is wrong, the evidence, and a hint with the fix
 * (pgBackRest's style). Each failure kind has its own subclass so callers and tests can tell them apart.
 * Messages are redacted: no password, SAS or account key ever reaches a user, a log or a job record.
 */
public abstract class PgvaultException extends RuntimeException {

    private final String problem;
    private final String evidence;
    private final String hint;

    protected PgvaultException(String problem, String evidence, String hint, Throwable cause) {
        super(Redactor.redact(problem), cause);
        this.problem = Redactor.redact(problem);
        this.evidence = evidence == null ? null : Redactor.redact(evidence);
        this.hint = hint == null ? null : Redactor.redact(hint);
    }

    protected PgvaultException(String problem, String evidence, String hint) {
        this(problem, evidence, hint, null);
    }

    /** One line: what is wrong. */
    public String problem() {
        return problem;
    }

    /** The facts that show it (names, numbers, the tool's own words); may be null. */
    public String evidence() {
        return evidence;
    }

    /** What the user should do about it. */
    public String hint() {
        return hint;
    }

    /** HTTP status an HTTP function answers with for this failure. */
    public abstract int httpStatus();

    /** Stable machine-readable code of the failure kind. */
    public abstract String code();

    /** The innermost cause of {@code e} (itself if it has none): what actually went wrong under the wrappers. */
    public static Throwable rootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    /** The whole message as a user sees it: problem, evidence, then {@code HINT:}. */
    public String render() {
        StringBuilder sb = new StringBuilder(problem);
        if (evidence != null && !evidence.isBlank()) {
            sb.append('\n').append(evidence.strip());
        }
        if (hint != null && !hint.isBlank()) {
            sb.append("\nHINT: ").append(hint);
        }
        return sb.toString();
    }

    @Override
    public String getMessage() {
        return render();
    }
}
