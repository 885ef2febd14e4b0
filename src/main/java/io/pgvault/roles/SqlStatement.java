package io.pgvault.roles;

import java.util.List;

/**
 * One statement of a psql script, with the white space and comments before it.
 *
 * @param kind    an SQL statement or a psql meta-command line
 * @param leading white space and comments between the previous statement and this one, exactly as written
 * @param text    the statement from its first token through its closing {@code ;} (a meta-command: its line)
 * @param tokens  the statement's tokens, offsets relative to {@code text}; empty for a meta-command
 * @param line    line of the script (1-based) the statement starts on
 */
public record SqlStatement(Kind kind, String leading, String text, List<SqlToken> tokens, int line) {

    /** What a statement is. */
    public enum Kind {
        /** SQL sent to the server, ended by a top-level {@code ;}. */
        SQL,
        /** A psql meta-command: a backslash command on its own line, such as {@code \restrict key}. */
        META
    }

    public SqlStatement {
        tokens = List.copyOf(tokens);
    }

    /** The i-th token, or null past the end. */
    public SqlToken token(int i) {
        return i < tokens.size() ? tokens.get(i) : null;
    }

    /** Whether the i-th token is the unquoted word {@code word}. */
    public boolean isWord(int i, String word) {
        SqlToken t = token(i);
        return t != null && t.isWord(word);
    }
}
