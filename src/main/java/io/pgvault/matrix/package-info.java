/**
 * The support matrix of Azure Backup's vaulted backup for Azure Database for PostgreSQL Flexible Server,
 * as code: plain records describing a server, its vault and a request, and {@link io.pgvault.matrix.SupportMatrix}
 * judging them into a {@link io.pgvault.matrix.Verdict}.
 *
 * <p>Pure Java on purpose: nothing here talks to PostgreSQL, Azure or Quarkus (an ArchUnit test keeps it so),
 * so every rule is unit-testable and the callers decide how the facts are gathered.
 * The source of every rule is {@code /work/shared/mission/support-matrix.md} (Microsoft Learn,
 * "Support matrix for Azure Database for PostgreSQL- Flexible Server", ms.date 04/11/2025).
 */
package io.pgvault.matrix;
