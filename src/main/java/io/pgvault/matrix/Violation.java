package io.pgvault.matrix;

/** Placeholder until the matrix branch lands. */
public record Violation(String ruleId, Severity severity, String matrixLine, String problem, String evidence, String hint) { public String render() { return severity + " [" + ruleId + "] " + problem + "\n  evidence: " + evidence + "\nHINT: " + hint; } }
