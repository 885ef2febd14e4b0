package io.pgvault.matrix;

/** Placeholder until the matrix branch lands. */
public record Placement(String tenantId, String subscriptionId, String region) { public static Placement unknown() { return new Placement(null, null, null); } }
