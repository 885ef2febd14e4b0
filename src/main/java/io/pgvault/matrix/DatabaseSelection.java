package io.pgvault.matrix;

import java.util.List;

/**
 * Which databases a backup takes and which it leaves out (with reasons); see
 * {@link SupportMatrix#selectDatabases(List)}.
 *
 * @param included databases that would be backed up, by name
 * @param excluded databases left out, by name
 */
public record DatabaseSelection(List<DatabaseFacts> included, List<Exclusion> excluded) {

    /** Copies the lists; null becomes empty. */
    public DatabaseSelection {
        included = included == null ? List.of() : List.copyOf(included);
        excluded = excluded == null ? List.of() : List.copyOf(excluded);
    }

    /** No databases at all (the selection of a restore verdict). */
    public static DatabaseSelection empty() {
        return new DatabaseSelection(List.of(), List.of());
    }

    /** Server size as the matrix counts it: sum of {@code pg_database_size} over the included databases. */
    public long includedSizeBytes() {
        long total = 0;
        for (DatabaseFacts db : included) {
            total += db.sizeBytes();
        }
        return total;
    }

    /** Names of the included databases, in order. */
    public List<String> includedNames() {
        return included.stream().map(DatabaseFacts::name).toList();
    }

    /** Names of the excluded databases, in order. */
    public List<String> excludedNames() {
        return excluded.stream().map(Exclusion::database).toList();
    }

    /** Whether nothing was selected or excluded (no databases were looked at). */
    public boolean isEmpty() {
        return included.isEmpty() && excluded.isEmpty();
    }
}
