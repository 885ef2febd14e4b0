package io.pgvault.infra;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Bicep file read as text. No Bicep CLI can be installed where pgvault is built, so this is a
 * deliberately small parser: it blanks out comments (keeping offsets and line numbers), tracks
 * quoted strings and bracket depth, and from that finds the top-level statements (with their
 * decorators) and the bodies of resources and modules. It understands the subset of Bicep that
 * infra/ uses; anything it cannot place makes the checks fail rather than pass silently.
 */
final class BicepFile {

    /** A top-level statement: {@code param}, {@code var}, {@code resource}, {@code module}, {@code output}, ... */
    record Statement(String keyword, String name, int offset, int line, String text, List<String> decorators) {
    }

    /** A {@code resource} declaration. {@code type} has no {@code @api-version}; {@code body} is the {@code {...}}. */
    record Resource(String symbol, String type, String apiVersion, boolean existing, String body, int line) {
    }

    /** A {@code param}: optional when it has a default value or a nullable type. */
    record Param(String name, String type, boolean optional, String defaultValue, List<String> decorators, int line) {
    }

    /** A {@code module}: the referenced path and the body {@code {...}}. */
    record Module(String symbol, String path, String body, int line) {
    }

    private static final Pattern KEYWORD = Pattern.compile(
            "^(targetScope|param|var|resource|module|output|type|func|import|metadata)\\b\\s*([A-Za-z_][A-Za-z0-9_]*)?");
    private static final Pattern DECORATOR = Pattern.compile("^@(?:sys\\.)?([A-Za-z_][A-Za-z0-9_]*)");
    private static final Pattern RESOURCE = Pattern.compile(
            "^resource\\s+([A-Za-z_][A-Za-z0-9_]*)\\s+'([^'@]+)@([^']+)'\\s+(existing\\s+)?=");
    private static final Pattern MODULE = Pattern.compile(
            "^module\\s+([A-Za-z_][A-Za-z0-9_]*)\\s+'([^']+)'\\s*=");
    private static final Pattern PARAM = Pattern.compile(
            "^param\\s+([A-Za-z_][A-Za-z0-9_]*)\\s+([^\\s=]+)\\s*(=.*)?$", Pattern.DOTALL);
    private static final Pattern OBJECT_KEY = Pattern.compile("^\\s*([A-Za-z_][A-Za-z0-9_]*|'[^']*')\\s*:");

    final String name;
    final String raw;
    /** The source with every comment replaced by spaces (newlines kept, so offsets and lines match). */
    final String code;
    final List<Statement> statements;

    private BicepFile(String name, String raw) {
        this.name = name;
        this.raw = raw;
        this.code = stripComments(raw);
        this.statements = scanStatements();
    }

    static BicepFile parse(String name, String text) {
        return new BicepFile(name, text.replace("\r\n", "\n"));
    }

    // ------------------------------------------------------------------------------------------
    // Lexing
    // ------------------------------------------------------------------------------------------

    /** Blanks {@code //} and block comments, leaving strings ({@code '...'}, {@code '''...'''}) alone. */
    static String stripComments(String s) {
        StringBuilder out = new StringBuilder(s);
        int i = 0;
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (s.startsWith("'''", i)) {
                int end = s.indexOf("'''", i + 3);
                i = end < 0 ? n : end + 3;
            } else if (c == '\'') {
                i = skipString(s, i);
            } else if (s.startsWith("//", i)) {
                while (i < n && s.charAt(i) != '\n') {
                    out.setCharAt(i++, ' ');
                }
            } else if (s.startsWith("/*", i)) {
                int end = s.indexOf("*/", i + 2);
                int stop = end < 0 ? n : end + 2;
                for (; i < stop; i++) {
                    if (s.charAt(i) != '\n') {
                        out.setCharAt(i, ' ');
                    }
                }
            } else {
                i++;
            }
        }
        return out.toString();
    }

    /** Index just past the single-quoted string starting at {@code start} (backslash escapes honoured). */
    private static int skipString(String s, int start) {
        int i = start + 1;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\\') {
                i += 2;
            } else if (c == '\'') {
                return i + 1;
            } else {
                i++;
            }
        }
        return i;
    }

    /** Index of the bracket closing the one at {@code open} ({@code { [ (}), skipping strings; -1 if unbalanced. */
    static int matching(String s, int open) {
        int depth = 0;
        int i = open;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (s.startsWith("'''", i)) {
                int end = s.indexOf("'''", i + 3);
                if (end < 0) {
                    return -1;
                }
                i = end + 3;
                continue;
            }
            if (c == '\'') {
                i = skipString(s, i);
                continue;
            }
            if (c == '{' || c == '[' || c == '(') {
                depth++;
            } else if (c == '}' || c == ']' || c == ')') {
                depth--;
                if (depth == 0) {
                    return i;
                }
            }
            i++;
        }
        return -1;
    }

    /** Net bracket depth change of a piece of code, ignoring strings. */
    private static int depthDelta(String s) {
        int d = 0;
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (s.startsWith("'''", i)) {
                int end = s.indexOf("'''", i + 3);
                i = end < 0 ? s.length() : end + 3;
                continue;
            }
            if (c == '\'') {
                i = skipString(s, i);
                continue;
            }
            if (c == '{' || c == '[' || c == '(') {
                d++;
            } else if (c == '}' || c == ']' || c == ')') {
                d--;
            }
            i++;
        }
        return d;
    }

    // ------------------------------------------------------------------------------------------
    // Statements
    // ------------------------------------------------------------------------------------------

    /**
     * Walks the comment-free code line by line at bracket depth 0. A line starting with {@code @}
     * is a decorator of the next statement; a line starting with a keyword starts a statement,
     * whose text runs until the depth is back to 0 at a line end.
     */
    private List<Statement> scanStatements() {
        List<Statement> result = new ArrayList<>();
        List<String> pending = new ArrayList<>();
        String[] lines = code.split("\n", -1);
        int offset = 0;
        int depth = 0;
        int i = 0;
        while (i < lines.length) {
            String line = lines[i];
            String trimmed = line.strip();
            int lineOffset = offset;
            offset += line.length() + 1;
            if (depth != 0) {
                depth += depthDelta(line);
                i++;
                continue;
            }
            if (trimmed.isEmpty()) {
                i++;
                continue;
            }
            Matcher dec = DECORATOR.matcher(trimmed);
            if (dec.find()) {
                pending.add(dec.group(1));
                depth += depthDelta(line);
                i++;
                continue;
            }
            Matcher kw = KEYWORD.matcher(trimmed);
            if (kw.find()) {
                // Gather the statement until its brackets close.
                StringBuilder text = new StringBuilder(line);
                int d = depthDelta(line);
                int startLine = i;
                i++;
                while (d > 0 && i < lines.length) {
                    text.append('\n').append(lines[i]);
                    d += depthDelta(lines[i]);
                    offset += lines[i].length() + 1;
                    i++;
                }
                result.add(new Statement(kw.group(1), kw.group(2), lineOffset, startLine + 1,
                        text.toString().strip(), List.copyOf(pending)));
                pending.clear();
                continue;
            }
            // Anything else at depth 0 is not something this parser knows: keep it visible.
            result.add(new Statement("?", null, lineOffset, i + 1, trimmed, List.copyOf(pending)));
            pending.clear();
            depth += depthDelta(line);
            i++;
        }
        return result;
    }

    List<Statement> statements(String keyword) {
        return statements.stream().filter(s -> s.keyword().equals(keyword)).toList();
    }

    /** Statements this parser did not recognise (should be none in infra/). */
    List<Statement> unknownStatements() {
        return statements("?");
    }

    Optional<String> targetScope() {
        return statements("targetScope").stream()
                .map(s -> s.text().replaceFirst("^targetScope\\s*=\\s*", "").replace("'", "").strip())
                .findFirst();
    }

    List<Param> params() {
        List<Param> params = new ArrayList<>();
        for (Statement s : statements("param")) {
            Matcher m = PARAM.matcher(s.text());
            if (!m.find()) {
                throw new IllegalStateException(name + ":" + s.line() + ": cannot read param: " + s.text());
            }
            String type = m.group(2);
            boolean optional = m.group(3) != null || type.endsWith("?");
            String def = m.group(3) == null ? null : m.group(3).substring(1).strip();
            params.add(new Param(m.group(1), type, optional, def, s.decorators(), s.line()));
        }
        return params;
    }

    List<String> outputNames() {
        return statements("output").stream().map(Statement::name).toList();
    }

    List<Resource> resources() {
        List<Resource> resources = new ArrayList<>();
        for (Statement s : statements("resource")) {
            Matcher m = RESOURCE.matcher(s.text());
            if (!m.find()) {
                throw new IllegalStateException(name + ":" + s.line() + ": cannot read resource: " + s.text());
            }
            resources.add(new Resource(m.group(1), m.group(2), m.group(3), m.group(4) != null,
                    bodyAfter(s.text(), m.end()), s.line()));
        }
        return resources;
    }

    List<Module> modules() {
        List<Module> modules = new ArrayList<>();
        for (Statement s : statements("module")) {
            Matcher m = MODULE.matcher(s.text());
            if (!m.find()) {
                throw new IllegalStateException(name + ":" + s.line() + ": cannot read module: " + s.text());
            }
            modules.add(new Module(m.group(1), m.group(2), bodyAfter(s.text(), m.end()), s.line()));
        }
        return modules;
    }

    /** The text of a {@code var} declaration's expression. */
    Optional<String> varExpression(String varName) {
        return statements("var").stream()
                .filter(s -> varName.equals(s.name()))
                .map(s -> s.text().replaceFirst("^var\\s+" + varName + "\\s*=\\s*", ""))
                .findFirst();
    }

    /** The first {@code {...}} after {@code from} in a statement (skips {@code if (...)} and {@code [for ...:}). */
    private String bodyAfter(String text, int from) {
        int i = from;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '\'') {
                i = skipString(text, i);
                continue;
            }
            if (c == '(') {
                int close = matching(text, i);
                if (close < 0) {
                    break;
                }
                i = close + 1;
                continue;
            }
            if (c == '{') {
                int close = matching(text, i);
                if (close < 0) {
                    break;
                }
                return text.substring(i, close + 1);
            }
            i++;
        }
        throw new IllegalStateException(name + ": no body found in: " + text);
    }

    // ------------------------------------------------------------------------------------------
    // Objects
    // ------------------------------------------------------------------------------------------

    /**
     * The top-level {@code key: value} entries of an object literal {@code {...}}, in order.
     * Values are the raw text up to the next top-level key. Keys are unquoted.
     */
    static Map<String, String> entries(String objectLiteral) {
        String s = objectLiteral.strip();
        if (!s.startsWith("{") || !s.endsWith("}")) {
            throw new IllegalArgumentException("not an object literal: " + s);
        }
        String inner = s.substring(1, s.length() - 1);
        Map<String, String> entries = new LinkedHashMap<>();
        String[] lines = inner.split("\n", -1);
        int depth = 0;
        String key = null;
        StringBuilder value = new StringBuilder();
        for (String line : lines) {
            if (depth == 0) {
                Matcher m = OBJECT_KEY.matcher(line);
                if (m.find()) {
                    if (key != null) {
                        entries.put(key, value.toString().strip());
                    }
                    key = unquote(m.group(1));
                    value.setLength(0);
                    value.append(line.substring(m.end()));
                    depth += depthDelta(line.substring(m.end()));
                    continue;
                }
            }
            value.append('\n').append(line);
            depth += depthDelta(line);
        }
        if (key != null) {
            entries.put(key, value.toString().strip());
        }
        return entries;
    }

    /**
     * Every object key that starts a line anywhere in an expression (any depth). Used for the
     * app-settings expression, whose objects are flat {@code NAME: value} maps combined by union().
     */
    static List<String> keysAnyDepth(String expression) {
        List<String> keys = new ArrayList<>();
        for (String line : expression.split("\n")) {
            Matcher m = OBJECT_KEY.matcher(line);
            if (m.find()) {
                keys.add(unquote(m.group(1)));
            }
        }
        return keys;
    }

    private static String unquote(String key) {
        return key.startsWith("'") ? key.substring(1, key.length() - 1) : key;
    }

    /** The object literal value of a top-level entry, if that entry's value is an object literal. */
    static Optional<String> objectEntry(String objectLiteral, String key) {
        String v = entries(objectLiteral).get(key);
        if (v == null || !v.startsWith("{")) {
            return Optional.empty();
        }
        int close = matching(v, 0);
        return close < 0 ? Optional.empty() : Optional.of(v.substring(0, close + 1));
    }

    /** All string literals of the comment-free code (contents without quotes). */
    List<String> stringLiterals() {
        List<String> result = new ArrayList<>();
        int i = 0;
        while (i < code.length()) {
            if (code.startsWith("'''", i)) {
                int end = code.indexOf("'''", i + 3);
                int stop = end < 0 ? code.length() : end;
                result.add(code.substring(i + 3, stop));
                i = stop + 3;
            } else if (code.charAt(i) == '\'') {
                int end = skipString(code, i);
                result.add(code.substring(i + 1, Math.max(i + 1, end - 1)));
                i = end;
            } else {
                i++;
            }
        }
        return result;
    }

    @Override
    public String toString() {
        return name;
    }
}
