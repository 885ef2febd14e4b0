package io.pgvault.roles;

import java.util.List;

/**
 * A psql script split into statements. Concatenating every statement's {@code leading} and {@code text}, then
 * {@code trailing}, gives the script back unchanged.
 *
 * @param statements the statements in order
 * @param trailing   white space and comments after the last statement
 */
public record SqlScript(List<SqlStatement> statements, String trailing) {

    public SqlScript {
        statements = List.copyOf(statements);
    }
}
