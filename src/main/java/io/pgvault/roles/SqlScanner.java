package io.pgvault.roles;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a psql script into statements as psql itself does: a statement ends at a {@code ;} outside quotes,
 * comments and parentheses. It knows {@code "quoted identifiers"} (with {@code ""} and newlines inside),
 * {@code 'literals'}, {@code E'escape strings'}, {@code $tag$dollar quotes$tag$}, {@code --} and nested
 * {@code /* *}{@code /} comments, and psql meta-command lines.
 *
 * <p>Anything whose meaning could differ between this scanner and psql is refused with a
 * {@link SqlSyntaxException} rather than guessed: an unterminated quote, comment or statement, a backslash
 * command inside a statement, a psql variable reference ({@code :name}) and Unicode-escape names
 * ({@code U&"…"}). pg_dumpall never writes any of them.
 */
public final class SqlScanner {

    private final String s;
    private int pos;
    private boolean standardStrings = true; // psql's default, and what pg_dumpall sets
    private int lineOffset;
    private int lineNumber = 1;

    private SqlScanner(String script) {
        this.s = script;
    }

    /** Splits {@code script}; throws {@link SqlSyntaxException} if it cannot be split safely. */
    public static SqlScript scan(String script) {
        return new SqlScanner(script).run();
    }

    private SqlScript run() {
        List<SqlStatement> out = new ArrayList<>();
        while (true) {
            int gap = pos;
            skipGap();
            String leading = s.substring(gap, pos);
            if (pos >= s.length()) {
                return new SqlScript(out, leading);
            }
            SqlStatement st = s.charAt(pos) == '\\' ? meta(leading) : statement(leading);
            out.add(st);
            noteSetting(st);
        }
    }

    /** White space and comments between statements. */
    private void skipGap() {
        while (pos < s.length() && skipSpaceOrComment()) {
            // skipped
        }
    }

    /** Skips one white-space character or one comment at {@code pos}; false if there is neither. */
    private boolean skipSpaceOrComment() {
        if (SqlChars.space(s.charAt(pos))) {
            pos++;
        } else if (s.startsWith("--", pos)) {
            lineComment();
        } else if (s.startsWith("/*", pos)) {
            blockComment();
        } else {
            return false;
        }
        return true;
    }

    /** A backslash command: the rest of its line. */
    private SqlStatement meta(String leading) {
        int start = pos;
        int eol = s.indexOf('\n', pos);
        pos = eol < 0 ? s.length() : eol;
        return new SqlStatement(SqlStatement.Kind.META, leading, s.substring(start, pos), List.of(), line(start));
    }

    private SqlStatement statement(String leading) {
        int start = pos;
        List<SqlToken> tokens = new ArrayList<>();
        int depth = 0;
        while (true) {
            if (pos >= s.length()) {
                throw new SqlSyntaxException("the script ends inside a statement that has no closing ';'", line(start));
            }
            if (skipSpaceOrComment()) {
                continue;
            }
            if (s.charAt(pos) == ';' && depth == 0) {
                tokens.add(new SqlToken(SqlToken.Kind.SYMBOL, pos - start, pos + 1 - start, ";"));
                pos++;
                return new SqlStatement(SqlStatement.Kind.SQL, leading, s.substring(start, pos), tokens, line(start));
            }
            SqlToken t = token(start);
            tokens.add(t);
            if (t.kind() == SqlToken.Kind.SYMBOL) {
                depth = "(".equals(t.value()) ? depth + 1 : ")".equals(t.value()) && depth > 0 ? depth - 1 : depth;
            }
        }
    }

    /** The token at {@code pos}; offsets relative to {@code base}. */
    private SqlToken token(int base) {
        int from = pos;
        char c = s.charAt(pos);
        if (c == '\'') {
            return literal(base, from, standardStrings);
        }
        if (c == '"') {
            return identifier(base, from);
        }
        if (c == '$') {
            return dollar(base, from);
        }
        if (c == '\\') {
            throw new SqlSyntaxException("a psql backslash command inside a statement", line(from));
        }
        if (c == ':') {
            return colon(base, from);
        }
        if (SqlChars.identStart(c)) {
            return word(base, from);
        }
        if (c >= '0' && c <= '9') {
            while (pos < s.length() && (SqlChars.identChar(s.charAt(pos)) || s.charAt(pos) == '.')) {
                pos++;
            }
            return new SqlToken(SqlToken.Kind.NUMBER, from - base, pos - base, s.substring(from, pos));
        }
        pos++;
        return new SqlToken(SqlToken.Kind.SYMBOL, from - base, pos - base, String.valueOf(c));
    }

    private SqlToken word(int base, int from) {
        while (pos < s.length() && SqlChars.identChar(s.charAt(pos))) {
            pos++;
        }
        String word = s.substring(from, pos);
        boolean quoteNext = pos < s.length() && s.charAt(pos) == '\'';
        if (quoteNext && word.equalsIgnoreCase("e")) {
            return literal(base, from, false);
        }
        if (word.equalsIgnoreCase("u") && s.startsWith("&", pos) && pos + 1 < s.length()
                && (s.charAt(pos + 1) == '\'' || s.charAt(pos + 1) == '"')) {
            throw new SqlSyntaxException("a Unicode-escape name or string (U&)", line(from));
        }
        return new SqlToken(SqlToken.Kind.WORD, from - base, pos - base, SqlChars.fold(word));
    }

    /** A literal whose opening quote is at {@code pos}; {@code from} is where its token starts (E'…'). */
    private SqlToken literal(int base, int from, boolean standard) {
        StringBuilder value = new StringBuilder();
        pos++;
        while (true) {
            if (pos >= s.length()) {
                throw new SqlSyntaxException("an unterminated string literal (odd number of ')", line(from));
            }
            char c = s.charAt(pos);
            if (c == '\'' && s.startsWith("''", pos)) {
                value.append('\'');
                pos += 2;
            } else if (c == '\'') {
                pos++;
                return new SqlToken(SqlToken.Kind.STRING, from - base, pos - base,
                        standard ? value.toString() : s.substring(from, pos));
            } else if (c == '\\' && !standard) {
                pos = Math.min(pos + 2, s.length());
            } else {
                value.append(c);
                pos++;
            }
        }
    }

    private SqlToken identifier(int base, int from) {
        StringBuilder value = new StringBuilder();
        pos++;
        while (true) {
            if (pos >= s.length()) {
                throw new SqlSyntaxException("an unterminated quoted identifier (odd number of \")", line(from));
            }
            if (s.startsWith("\"\"", pos)) {
                value.append('"');
                pos += 2;
            } else if (s.charAt(pos) == '"') {
                pos++;
                return new SqlToken(SqlToken.Kind.IDENTIFIER, from - base, pos - base, value.toString());
            } else {
                value.append(s.charAt(pos++));
            }
        }
    }

    /** {@code $tag$…$tag$} or {@code $$…$$}; any other {@code $} (a parameter such as $1) is a symbol. */
    private SqlToken dollar(int base, int from) {
        int j = from + 1;
        if (j < s.length() && SqlChars.identStart(s.charAt(j))) {
            while (j < s.length() && SqlChars.identChar(s.charAt(j)) && s.charAt(j) != '$') {
                j++;
            }
        }
        if (j >= s.length() || s.charAt(j) != '$') {
            pos++;
            return new SqlToken(SqlToken.Kind.SYMBOL, from - base, pos - base, "$");
        }
        String tag = s.substring(from, j + 1);
        int close = s.indexOf(tag, j + 1);
        if (close < 0) {
            throw new SqlSyntaxException("an unterminated dollar-quoted string (" + tag + ")", line(from));
        }
        pos = close + tag.length();
        return new SqlToken(SqlToken.Kind.DOLLAR_STRING, from - base, pos - base, s.substring(from, pos));
    }

    /** {@code ::} is a cast; {@code :name}, {@code :'name'}, {@code :"name"}, {@code :{?name}} are psql variables. */
    private SqlToken colon(int base, int from) {
        if (s.startsWith("::", pos)) {
            pos += 2;
            return new SqlToken(SqlToken.Kind.SYMBOL, from - base, pos - base, "::");
        }
        char next = pos + 1 < s.length() ? s.charAt(pos + 1) : ' ';
        if (SqlChars.identChar(next) || next == '\'' || next == '"' || next == '{') {
            throw new SqlSyntaxException("a psql variable reference (:name)", line(from));
        }
        pos++;
        return new SqlToken(SqlToken.Kind.SYMBOL, from - base, pos - base, ":");
    }

    private void lineComment() {
        int eol = s.indexOf('\n', pos);
        pos = eol < 0 ? s.length() : eol;
    }

    /** PostgreSQL's block comments nest. */
    private void blockComment() {
        int from = pos;
        int depth = 0;
        do {
            if (pos >= s.length()) {
                throw new SqlSyntaxException("an unterminated /* comment", line(from));
            }
            if (s.startsWith("/*", pos)) {
                depth++;
                pos += 2;
            } else if (s.startsWith("*/", pos)) {
                depth--;
                pos += 2;
            } else {
                pos++;
            }
        } while (depth > 0);
    }

    /** Follows {@code SET standard_conforming_strings}, which decides what a backslash in '…' means. */
    private void noteSetting(SqlStatement st) {
        int i = st.isWord(1, "session") || st.isWord(1, "local") ? 2 : 1;
        if (!st.isWord(0, "set") || !st.isWord(i, "standard_conforming_strings") || st.token(i + 2) == null) {
            return;
        }
        String v = SqlChars.fold(st.token(i + 2).value());
        if (v.equals("off") || v.equals("false")) {
            standardStrings = false;
        } else if (v.equals("on") || v.equals("true")) {
            standardStrings = true;
        }
    }

    /** Line of an offset; offsets are asked for in increasing order, so counting goes on from the last one. */
    private int line(int offset) {
        if (offset < lineOffset) {
            lineOffset = 0;
            lineNumber = 1;
        }
        for (; lineOffset < offset; lineOffset++) {
            if (s.charAt(lineOffset) == '\n') {
                lineNumber++;
            }
        }
        return lineNumber;
    }
}
