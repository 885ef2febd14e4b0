package io.pgvault.errors;

/** pg_dump or pg_dumpall failed; the evidence is the tool's own stderr. */
public class DumpFailedException extends PgvaultException {

    public DumpFailedException(String problem, String evidence, String hint) {
        super(problem, evidence, hint);
    }

    public DumpFailedException(String problem, String evidence, String hint, Throwable cause) {
        super(problem, evidence, hint, cause);
    }

    @Override
    public int httpStatus() {
        return 502;
    }

    @Override
    public String code() {
        return "dump-failed";
    }
}
