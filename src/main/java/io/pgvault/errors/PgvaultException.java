package io.pgvault.errors;

/**
 * Every failure pgvault reports to a user: its {@link ErrorKind} (one table of codes and HTTP statuses, as
 * pgBackRest's error.yaml), what is wrong, the evidence, and a hint with the fix. Messages are redacted: no
 * password, SAS or account key ever reaches a user, a log or a job record. Only {@link MatrixRefusedException},
 * which carries a verdict, is a subclass.
 */
public class PgvaultException extends RuntimeException {

    private final ErrorKind kind;
    private final String problem;
    private final String evidence;
    private final String hint;

    public PgvaultException(ErrorKind kind, String problem, String evidence, String hint, Throwable cause) {
        super(Redactor.redact(problem), cause);
        this.kind = kind;
        this.problem = Redactor.redact(problem);
        this.evidence = evidence == null ? null : Redactor.redact(evidence);
        this.hint = hint == null ? null : Redactor.redact(hint);
    }

    public PgvaultException(ErrorKind kind, String problem, String evidence, String hint) {
        this(kind, problem, evidence, hint, null);
    }

    /** The kind of failure: its code and HTTP status. */
    public ErrorKind kind() {
        return kind;
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
    public int httpStatus() {
        return kind.httpStatus();
    }

    /** Stable machine-readable code of the failure kind. */
    public String code() {
        return kind.code();
    }

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
