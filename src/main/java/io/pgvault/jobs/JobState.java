package io.pgvault.jobs;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The state of a job or of one of its items; stored and answered in today's spelling ("Succeeded"). */
public enum JobState {
    QUEUED("Queued"),
    VALIDATING("Validating"),
    RUNNING("Running"),
    COPYING("Copying"),
    SUCCEEDED("Succeeded"),
    FAILED("Failed"),
    REFUSED("Refused"),
    INTERRUPTED("Interrupted"),
    /** A queued job that had nothing left to do (its server was no longer protected when its turn came). */
    CANCELLED("Cancelled");

    private final String spelling;

    JobState(String spelling) {
        this.spelling = spelling;
    }

    /** Whether a job in this state has ended: Succeeded, Failed, Refused, Interrupted or Cancelled. */
    public boolean terminal() {
        return this == SUCCEEDED || this == FAILED || this == REFUSED || this == INTERRUPTED || this == CANCELLED;
    }

    @JsonValue
    @Override
    public String toString() {
        return spelling;
    }

    /** Reads a stored or requested spelling. */
    @JsonCreator
    public static JobState of(String spelling) {
        for (JobState s : values()) {
            if (s.spelling.equalsIgnoreCase(spelling) || s.name().equalsIgnoreCase(spelling)) {
                return s;
            }
        }
        throw new IllegalArgumentException("not a job state: " + spelling);
    }
}
