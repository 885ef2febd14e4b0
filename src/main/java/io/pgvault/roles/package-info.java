/**
 * Reading and filtering {@code pg_dumpall --globals-only} output (a backup's {@code roles.sql}) without ever
 * guessing at SQL: {@link io.pgvault.roles.SqlScanner} splits a psql script into statements the way psql does
 * (quoted identifiers and literals may span lines, dollar quotes, nested comments), and
 * {@link io.pgvault.roles.RoleFilter} decides statement by statement what a target server may run.
 *
 * <p>Pure Java, shared by the restore kit and any later feature that creates roles on a server. A script is
 * handled as ISO-8859-1 text, one char per byte, so a dump in any server encoding passes through unchanged.
 */
package io.pgvault.roles;
