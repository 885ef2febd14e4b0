package io.pgvault.matrix;
import java.util.List;
/** Placeholder until the matrix branch lands. */
public record RestoreFacts(String backupId, List<String> requestedDatabases, Placement vault, Placement target, List<String> archivedFiles) { }
