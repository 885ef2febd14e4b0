package io.pgvault.roles;

/**
 * A script that cannot be split safely: an unterminated quote, comment or statement, or a psql construct a
 * dump never contains. Callers turn it into a user-facing error naming the file.
 */
public class SqlSyntaxException extends RuntimeException {

    private final int line;

    public SqlSyntaxException(String reason, int line) {
        super(reason + " (line " + line + ")");
        this.line = line;
    }

    /** The line (1-based) where the offending construct starts. */
    public int line() {
        return line;
    }

    /** What is wrong, without the line. */
    public String reason() {
        String m = getMessage();
        return m.substring(0, m.lastIndexOf(" (line "));
    }
}
