package io.pgvault.errors;

import io.pgvault.matrix.Verdict;
import io.pgvault.matrix.Violation;

import java.util.List;

/** The support matrix refused a backup or restore; carries every violation at once. */
public class MatrixRefusedException extends PgvaultException {

    private final transient Verdict verdict;

    public MatrixRefusedException(String what, Verdict verdict) {
        super(ErrorKind.MATRIX_REFUSED, what + " refused by the support matrix: " + verdict.errors().size() + " violation(s).",
                verdict.renderErrors(), "Fix each violation above (each has its own HINT), then run it again; "
                        + "bin/pgvault preflight shows them all without starting anything.");
        this.verdict = verdict;
    }

    public Verdict verdict() {
        return verdict;
    }

    /** Each violation rendered, for job records. */
    public List<String> violations() {
        return verdict.errors().stream().map(Violation::render).toList();
    }
}
