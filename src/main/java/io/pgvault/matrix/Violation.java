package io.pgvault.matrix;

import java.util.Objects;

/**
 * One broken rule of the support matrix.
 *
 * @param ruleId     stable id of the rule, e.g. {@code "bytea-limit"} (see {@link MatrixRule})
 * @param severity   {@link Severity#ERROR} refuses the operation, {@link Severity#WARNING} only informs
 * @param matrixLine the line of the support matrix the rule enforces, quoted
 * @param problem    one sentence saying what is wrong
 * @param evidence   the facts that show it, with real names and numbers
 * @param hint       how to fix it
 */
public record Violation(String ruleId, Severity severity, String matrixLine, String problem, String evidence,
                        String hint) {

    /** Requires a rule id, a severity and a problem. */
    public Violation {
        Objects.requireNonNull(ruleId, "ruleId");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(problem, "problem");
    }

    /**
     * A pgBackRest-style paragraph:
     * <pre>
     * ERROR [bytea-limit] column app.public.files.data holds a bytea value larger than 500.0 MiB
     *   evidence: largest value 600.0 MiB (629145600 bytes); limit 500.0 MiB (524288000 bytes)
     *   matrix: "Vaulted backups don't support tables containing a row with BYTEA length exceeding 500 MB."
     * HINT: ...
     * </pre>
     * Missing evidence, matrix line or hint lines are left out.
     */
    public String render() {
        StringBuilder sb = new StringBuilder();
        sb.append(severity).append(" [").append(ruleId).append("] ").append(problem);
        if (!Placement.isBlank(evidence)) {
            sb.append("\n  evidence: ").append(evidence);
        }
        if (!Placement.isBlank(matrixLine)) {
            sb.append("\n  matrix: \"").append(matrixLine).append('"');
        }
        if (!Placement.isBlank(hint)) {
            sb.append("\nHINT: ").append(hint);
        }
        return sb.toString();
    }
}
