package io.pgvault.vault;

/**
 * Mode of a version-level time-based immutability policy: {@code Unlocked} (an administrator can still shorten
 * or remove it) or {@code Locked} (it can only be extended: compliance WORM).
 */
public enum ImmutabilityMode {
    UNLOCKED("Unlocked"),
    LOCKED("Locked");

    private final String display;

    ImmutabilityMode(String display) {
        this.display = display;
    }

    /** The name Azure uses, as shown in logs and warnings. */
    @Override
    public String toString() {
        return display;
    }
}
