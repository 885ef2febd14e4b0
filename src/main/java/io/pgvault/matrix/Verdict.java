package io.pgvault.matrix;
import java.util.List;
/** Placeholder until the matrix branch lands. */
public record Verdict(List<Violation> violations, DatabaseSelection selection) { public boolean allowed() { return errors().isEmpty(); } public List<Violation> errors() { return violations.stream().filter(v -> v.severity() == Severity.ERROR).toList(); } public List<Violation> warnings() { return violations.stream().filter(v -> v.severity() == Severity.WARNING).toList(); } public String renderErrors() { return String.join("\n\n", errors().stream().map(Violation::render).toList()); } public String renderTable() { return String.join("\n", violations.stream().map(Violation::render).toList()); } }
