package io.pgvault.drill;

import java.util.Locale;

/** A drill report as text: what {@code bin/pgvault drill} prints and docs/drills.md shows. */
public final class DrillText {

    private DrillText() {
    }

    /** The whole report: the backup, the restore, one line per database and per check. */
    public static String render(DrillReport r) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "drill %s of server %s: %s%n", r.jobId(), r.server(), r.passed() ? "PASSED" : "FAILED"));
        s.append(String.format(Locale.ROOT, "  backup %s, %.1f hours old at the drill%n", r.backupId(), r.backupAgeHours()));
        s.append(String.format(Locale.ROOT, "  restored into %s in %.1f s: %d bytes, %d database(s), %d table(s)%n",
                r.drillServer(), r.restoreSeconds(), r.bytes(), r.databases().size(), r.tables()));
        for (DrillReport.Database d : r.databases()) {
            s.append(String.format(Locale.ROOT, "  database %-30s %s, %s, %d bytes in %.1f s%s%n", "\"" + d.name() + "\"",
                    d.created() ? "created" : "not created", d.restored() ? "restored" : "NOT restored", d.bytes(),
                    d.seconds(), d.dropped() ? ", dropped" : ""));
        }
        for (DrillReport.Check c : r.checks()) {
            s.append(String.format(Locale.ROOT, "  %-6s %s: %s%n", c.outcome(), c.name(), c.detail().replace("\n", "\n         ")));
        }
        if (r.error() != null) {
            s.append("  ").append(r.error().replace("\n", "\n  ")).append('\n');
        }
        return s.toString();
    }

    /** One line of the history. */
    public static String line(DrillReport r) {
        return String.format(Locale.ROOT, "%-44s %-20s %-18s %-6s %-20s %8.1f s %4d db %6d tables %4d failed",
                r.jobId(), r.server(), r.backupId() == null ? "" : r.backupId(), r.passed() ? "passed" : "FAILED",
                r.startedAt().toString().substring(0, 19), r.restoreSeconds(), r.databases().size(), r.tables(),
                r.failures().size());
    }
}
