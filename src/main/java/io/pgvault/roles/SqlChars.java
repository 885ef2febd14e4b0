package io.pgvault.roles;

/** PostgreSQL's lexical character classes and name folding, as {@link SqlScanner} and {@link SqlToken} need them. */
final class SqlChars {

    private SqlChars() {
    }

    /** Folds an unquoted name as PostgreSQL does: ASCII letters to lower case, nothing else. */
    static String fold(String word) {
        StringBuilder sb = new StringBuilder(word.length());
        for (char c : word.toCharArray()) {
            sb.append(c >= 'A' && c <= 'Z' ? (char) (c + 32) : c);
        }
        return sb.toString();
    }

    /** PostgreSQL's white space: space, tab, newline, carriage return, form feed, vertical tab. */
    static boolean space(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0b;
    }

    static boolean identStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
    }

    static boolean identChar(char c) {
        return identStart(c) || (c >= '0' && c <= '9') || c == '$';
    }
}
