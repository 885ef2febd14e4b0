package io.pgvault.matrix;
import java.util.List;
/** Placeholder until the matrix branch lands. */
public record DatabaseSelection(List<DatabaseFacts> included, List<Exclusion> excluded) { public long includedSizeBytes() { return included.stream().mapToLong(DatabaseFacts::sizeBytes).sum(); } }
