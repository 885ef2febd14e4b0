package io.pgvault.fleet;

import io.pgvault.matrix.Verdict;

/**
 * What {@code POST /api/protect} answers: whether the entry was saved (created or changed), its new ETag, and the
 * preflight's verdict — {@code allowed} false with {@code forced} true is a refused server saved on purpose.
 */
public record ProtectAnswer(String server, boolean saved, boolean created, String etag, ProtectionState state,
        boolean allowed, boolean forced, String preflightError, Verdict verdict) {
}
