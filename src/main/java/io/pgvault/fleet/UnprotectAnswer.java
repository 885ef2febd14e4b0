package io.pgvault.fleet;

import java.util.List;

/** What {@code POST /api/unprotect} did: the entry's new state (Stopped, or removed) and the backups it deleted. */
public record UnprotectAnswer(String server, ProtectionState state, boolean removed, List<String> deletedBackups) {
}
