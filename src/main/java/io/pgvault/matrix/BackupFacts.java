package io.pgvault.matrix;

/** Placeholder until the matrix branch lands. */
public record BackupFacts(ServerFacts server, ToolFacts tools, VaultFacts vault, BackupType type, WeekSlot weekSlot) { }
