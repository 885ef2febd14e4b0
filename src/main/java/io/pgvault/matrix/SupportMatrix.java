package io.pgvault.matrix;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Placeholder until the matrix branch lands. */
public final class SupportMatrix {
    private final MatrixPolicy policy;

    public SupportMatrix(MatrixPolicy policy) {
        this.policy = policy;
    }

    public static DatabaseSelection selectDatabases(List<DatabaseFacts> all) {
        List<DatabaseFacts> inc = new ArrayList<>();
        List<Exclusion> exc = new ArrayList<>();
        for (DatabaseFacts d : all.stream().sorted(Comparator.comparing(DatabaseFacts::name)).toList()) {
            if (MatrixPolicy.TEMPLATE_DATABASES.contains(d.name())) {
                exc.add(new Exclusion(d.name(), d.owner(), "template database"));
            } else if (!d.allowConnections()) {
                exc.add(new Exclusion(d.name(), d.owner(), "does not allow connections"));
            } else if (MatrixPolicy.EXCLUDED_OWNERS.contains(d.owner())) {
                exc.add(new Exclusion(d.name(), d.owner(), "owned by " + d.owner()));
            } else {
                inc.add(d);
            }
        }
        return new DatabaseSelection(inc, exc);
    }

    public Verdict judgeBackup(BackupFacts f) {
        return new Verdict(List.of(), selectDatabases(f.server().databases()));
    }

    public Verdict judgeRestore(RestoreFacts f) {
        return new Verdict(List.of(), new DatabaseSelection(List.of(), List.of()));
    }
}
