package io.pgvault.jobs;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** What a job does; stored and answered in today's spelling ("backup"). */
public enum JobKind {
    BACKUP("backup"),
    RESTORE("restore"),
    VERIFY("verify"),
    /** A restore drill: the newest backup restored into the drill server, checked, dropped (docs/drills.md). */
    DRILL("drill");

    private final String spelling;

    JobKind(String spelling) {
        this.spelling = spelling;
    }

    @JsonValue
    @Override
    public String toString() {
        return spelling;
    }

    /** Reads a stored spelling. */
    @JsonCreator
    public static JobKind of(String spelling) {
        for (JobKind k : values()) {
            if (k.spelling.equalsIgnoreCase(spelling)) {
                return k;
            }
        }
        throw new IllegalArgumentException("not a job kind: " + spelling);
    }
}
