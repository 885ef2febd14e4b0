package io.pgvault.roles;

/**
 * One lexical token of a statement: where it is in the statement's text and what it means.
 *
 * @param kind  what sort of token it is
 * @param start offset of its first char in {@link SqlStatement#text()}
 * @param end   offset after its last char
 * @param value a word folded to lower case (as PostgreSQL folds unquoted names), a quoted identifier or a
 *              standard string literal without quotes and with {@code ""}/{@code ''} undone; the raw text otherwise
 */
public record SqlToken(Kind kind, int start, int end, String value) {

    /** Token kinds; comments and white space are not tokens. */
    public enum Kind {
        /** An unquoted keyword or name. */
        WORD,
        /** A {@code "quoted identifier"}. */
        IDENTIFIER,
        /** A {@code 'literal'} or {@code E'escape string'}. */
        STRING,
        /** A {@code $tag$dollar-quoted string$tag$}. */
        DOLLAR_STRING,
        NUMBER,
        /** Any other single char (or {@code ::}), including the statement's closing {@code ;}. */
        SYMBOL
    }

    /** Whether this is the unquoted word {@code word} (case-insensitive, as SQL keywords are). */
    public boolean isWord(String word) {
        return kind == Kind.WORD && value.equals(SqlChars.fold(word));
    }

    /** The role, database or other name this token denotes, or null if it is not a name. */
    public String name() {
        return kind == Kind.WORD || kind == Kind.IDENTIFIER ? value : null;
    }
}
