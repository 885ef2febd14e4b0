package io.pgvault.matrix;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code safe-names} rule: a backup carries role, tablespace and database names into text that is read line by
 * line (the roles dump, the manifest, the restore kit's scripts and logs). A name with a line break or another
 * control character can end a line early and make the rest of the name a statement of its own — a role named
 * {@code "replicationX\nGRANT pg_execute_server_program TO bob;--"} did exactly that through the restore kit. Such
 * names are refused before anything is dumped; renaming them is cheap and loses nothing.
 */
public final class SafeNames {

    private SafeNames() {
    }

    /**
     * Whether a name holds a character that can break a line-based reader: a C0 or C1 control character (line feed,
     * carriage return, tab, escape, NEL…, {@link Character#isISOControl}) or a Unicode line or paragraph separator.
     */
    public static boolean unsafe(String name) {
        return name != null && name.codePoints().anyMatch(SafeNames::unsafe);
    }

    private static boolean unsafe(int cp) {
        return Character.isISOControl(cp) || cp == 0x2028 || cp == 0x2029;
    }

    /**
     * The name as one printable line: {@code \n}, {@code \r}, {@code \t} and {@code \\} as such, any other unsafe
     * character as {@code \}{@code uXXXX}; quoted.
     */
    public static String escaped(String name) {
        StringBuilder sb = new StringBuilder("\"");
        name.codePoints().forEach(cp -> {
            switch (cp) {
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\\' -> sb.append("\\\\");
                default -> {
                    if (unsafe(cp)) {
                        sb.append(String.format("\\u%04x", cp));
                    } else {
                        sb.appendCodePoint(cp);
                    }
                }
            }
        });
        return sb.append('"').toString();
    }

    /**
     * The name as an SQL identifier that can be pasted into psql on one line: a Unicode-escape identifier
     * ({@code U&"replicationX\000aGRANT …"}) when it holds an unsafe character, else a quoted identifier.
     */
    public static String sqlIdentifier(String name) {
        if (!unsafe(name)) {
            return '"' + name.replace("\"", "\"\"") + '"';
        }
        StringBuilder sb = new StringBuilder("U&\"");
        name.codePoints().forEach(cp -> {
            if (cp == '"') {
                sb.append("\"\"");
            } else if (cp == '\\') {
                sb.append("\\\\");
            } else if (unsafe(cp)) {
                sb.append(String.format("\\%04x", cp));
            } else {
                sb.appendCodePoint(cp);
            }
        });
        return sb.append('"').toString();
    }

    /** Adds one violation per unsafe name: every database, and the roles and tablespaces the facts name. */
    static void check(ServerFacts server, List<Violation> found) {
        List<GlobalName> names = new ArrayList<>();
        server.globalNames().stream().filter(n -> n.kind() == GlobalName.Kind.ROLE).forEach(names::add);
        server.databases().forEach(db -> names.add(new GlobalName(GlobalName.Kind.DATABASE, db.name())));
        server.globalNames().stream().filter(n -> n.kind() != GlobalName.Kind.ROLE).forEach(names::add);
        names.stream().filter(n -> unsafe(n.name())).distinct().forEach(n -> found.add(violation(n)));
    }

    private static Violation violation(GlobalName n) {
        String kind = n.kind().word();
        return MatrixRule.SAFE_NAMES.violation(
                "the " + kind + " name " + escaped(n.name()) + " contains a line break or another control character",
                kind + " " + escaped(n.name()) + " (escaped; " + describe(n.name()) + ")",
                "Rename the " + kind + " to a name without control characters, e.g. in psql: ALTER " + n.kind().sql()
                        + " " + sqlIdentifier(n.name()) + " RENAME TO <new_name>;" + caveat(n.kind())
                        + " Then back up again; a backup never carries such a name, because the restore kit would"
                        + " read the rest of it as SQL.");
    }

    private static String caveat(GlobalName.Kind kind) {
        return switch (kind) {
            case ROLE -> " (as a superuser, or on Azure the server admin, a CREATEROLE role; renaming clears an MD5"
                    + " password, so set it again with \\password).";
            case DATABASE -> " (as its owner with CREATEDB, or the server admin, connected to another database while"
                    + " no session uses it; then update the applications' connection strings).";
            case TABLESPACE -> " (as its owner or a superuser).";
        };
    }

    /** Which unsafe characters a name holds, e.g. {@code line feed U+000A}. */
    private static String describe(String name) {
        List<String> seen = new ArrayList<>();
        name.codePoints().filter(SafeNames::unsafe).distinct().forEach(cp -> seen.add(switch (cp) {
            case '\n' -> "line feed U+000A";
            case '\r' -> "carriage return U+000D";
            case '\t' -> "tab U+0009";
            default -> String.format("control character U+%04X", cp);
        }));
        return "contains " + String.join(", ", seen);
    }
}
