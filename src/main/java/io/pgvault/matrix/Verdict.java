package io.pgvault.matrix;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The outcome of judging a backup or restore against the support matrix: every violation found (the matrix is
 * evaluated completely, never stopping at the first problem) and, for a backup, the database selection.
 *
 * @param violations every violation, errors and warnings, in rule order
 * @param selection  databases included and excluded; {@link DatabaseSelection#empty()} for a restore (null → empty)
 */
public record Verdict(List<Violation> violations, DatabaseSelection selection) {

    private static final String[] VIOLATION_HEADERS = {"SEVERITY", "RULE", "PROBLEM", "EVIDENCE", "HINT"};
    private static final int[] VIOLATION_WIDTHS = {8, 23, 32, 40, 40};
    private static final String[] EXCLUSION_HEADERS = {"DATABASE", "OWNER", "REASON"};
    private static final int[] EXCLUSION_WIDTHS = {24, 16, 60};

    /** Copies the violations; a null selection becomes empty. */
    public Verdict {
        violations = violations == null ? List.of() : List.copyOf(violations);
        selection = selection == null ? DatabaseSelection.empty() : selection;
    }

    /** True when there is no {@link Severity#ERROR}: warnings alone do not refuse the operation. */
    public boolean allowed() {
        return errors().isEmpty();
    }

    /** The errors, in rule order. */
    public List<Violation> errors() {
        return bySeverity(Severity.ERROR);
    }

    /** The warnings, in rule order. */
    public List<Violation> warnings() {
        return bySeverity(Severity.WARNING);
    }

    /** The notes: information, neither refusing nor warning (e.g. pgvault's extensions beyond the matrix). */
    public List<Violation> notes() {
        return bySeverity(Severity.NOTE);
    }

    /** The violations of one rule (e.g. every {@code bytea-limit} column). */
    public List<Violation> violationsOf(String ruleId) {
        return violations.stream().filter(v -> v.ruleId().equals(ruleId)).toList();
    }

    /** Whether the rule was violated. */
    public boolean violates(String ruleId) {
        return !violationsOf(ruleId).isEmpty();
    }

    /**
     * Every error's {@link Violation#render()}, separated by blank lines: the message of the exception that refuses
     * the operation. Empty when {@link #allowed()}.
     */
    public String renderErrors() {
        return errors().stream().map(Violation::render).collect(Collectors.joining("\n\n"));
    }

    /**
     * A fixed-width table for the CLI: one row per violation (severity, rule, problem, evidence, hint), then, when
     * databases were selected, the included count and size and a table of the excluded databases with reasons.
     */
    public String renderTable() {
        StringBuilder sb = new StringBuilder();
        if (violations.isEmpty()) {
            sb.append("Support matrix: no violations.\n");
        } else {
            sb.append("Support matrix: ").append(errors().size()).append(" error(s), ")
                    .append(warnings().size()).append(" warning(s)")
                    .append(notes().isEmpty() ? "" : ", " + notes().size() + " note(s)").append(allowed() ? "" : "; refused").append(".\n\n");
            TextTable table = new TextTable(VIOLATION_HEADERS, VIOLATION_WIDTHS);
            for (Violation v : violations) {
                table.row(v.severity().name(), v.ruleId(), v.problem(), nullToEmpty(v.evidence()),
                        nullToEmpty(v.hint()));
            }
            sb.append(table.render());
        }
        if (!selection.isEmpty()) {
            sb.append("\nIncluded databases: ").append(selection.included().size()).append(", ")
                    .append(ByteSizes.humanAndExact(selection.includedSizeBytes()));
            if (!selection.included().isEmpty()) {
                sb.append(": ").append(String.join(", ", selection.includedNames()));
            }
            sb.append('\n');
            if (selection.excluded().isEmpty()) {
                sb.append("Excluded databases: none\n");
            } else {
                sb.append("Excluded databases: ").append(selection.excluded().size()).append("\n\n");
                TextTable table = new TextTable(EXCLUSION_HEADERS, EXCLUSION_WIDTHS);
                for (Exclusion e : selection.excluded()) {
                    table.row(e.database(), nullToEmpty(e.owner()), e.reason());
                }
                sb.append(table.render());
            }
        }
        return sb.toString();
    }

    private List<Violation> bySeverity(Severity severity) {
        return violations.stream().filter(v -> v.severity() == severity).toList();
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
