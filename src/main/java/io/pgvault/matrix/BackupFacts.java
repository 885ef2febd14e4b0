package io.pgvault.matrix;

import java.util.Objects;

/**
 * Everything {@link SupportMatrix#judgeBackup(BackupFacts)} judges before a backup starts.
 *
 * @param server   the server and its databases
 * @param tools    the pg_dump that would run
 * @param vault    the vault written to
 * @param type     the requested backup type
 * @param weekSlot this week's slot as found in the vault, or null if it was not inspected
 * @param timeBudget past throughput and the function's timeout, or null if not gathered (no time-budget rule)
 */
public record BackupFacts(ServerFacts server, ToolFacts tools, VaultFacts vault, BackupType type, WeekSlot weekSlot,
                          TimeBudgetFacts timeBudget) {

    /** Facts without a time budget: the {@code time-budget} rule is not judged. */
    public BackupFacts(ServerFacts server, ToolFacts tools, VaultFacts vault, BackupType type, WeekSlot weekSlot) {
        this(server, tools, vault, type, weekSlot, null);
    }

    /** Requires server, tools, vault and type; {@code weekSlot} may be null. */
    public BackupFacts {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(tools, "tools");
        Objects.requireNonNull(vault, "vault");
        Objects.requireNonNull(type, "type");
    }
}
