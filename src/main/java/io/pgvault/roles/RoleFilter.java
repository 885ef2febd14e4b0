package io.pgvault.roles;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What of a backup's {@code roles.sql} a target server may run, decided statement by statement on
 * {@link SqlScanner}'s tokens, so a role name (quoted, with newlines or SQL inside) is only ever a name:
 * <ul>
 * <li>{@code CREATE/ALTER ROLE} of a reserved role ({@link #RESERVED}) or of a {@code pg_} role is dropped;</li>
 * <li>a {@code GRANT} naming a reserved role anywhere (granted, grantee or grantor) is dropped;</li>
 * <li>unless superuser attributes are kept, the options {@code SUPERUSER}, {@code REPLICATION} and
 * {@code BYPASSRLS} of {@code CREATE/ALTER ROLE} become {@code NOSUPERUSER}, … (unquoted words only);</li>
 * <li>{@code CREATE/ALTER ROLE} statements carry the role they are about, so the caller can skip those about
 * the role it connects as and the target's bootstrap superuser ({@link #toPsql} makes psql skip them);</li>
 * <li>pg_dumpall's restrict and unrestrict meta-command lines are dropped (the output is checked instead); any
 * other psql command is refused, as is anything {@link SqlScanner} refuses.</li>
 * </ul>
 * Everything else (SET, COMMENT, tablespaces, role settings, other grants) is kept as written.
 */
public final class RoleFilter {

    /** Roles a managed server (Azure Flexible Server) reserves for itself. */
    public static final Set<String> RESERVED = Set.of("azure_superuser", "azure_pg_admin", "azuresu", "replication");
    private static final Set<String> ATTRIBUTES = Set.of("superuser", "replication", "bypassrls");
    /** Words that name whoever runs the statement. */
    private static final Set<String> SELF = Set.of("current_user", "current_role", "session_user");
    /** Words after which a CREATE ROLE lists roles, not options. */
    private static final Set<String> MEMBER_CLAUSES = Set.of("in", "role", "admin", "user");
    /** ALTER ROLE forms that are not an option list. */
    private static final Set<String> NOT_OPTIONS = Set.of("set", "reset", "rename", "in");
    private static final Pattern RESTRICT = Pattern.compile("\\\\(un)?restrict [A-Za-z0-9]{1,256}[ \\t\\r]*");
    /** The psql variable {@link #toPsql} sets before each statement about one role. */
    static final String GUARD = "pgvault_other_role";
    /** The psql variable that tells whether the guarded role is still to be created. */
    static final String NEW = "pgvault_new_role";

    private RoleFilter() {
    }

    /**
     * A statement to run.
     *
     * @param leading white space and comments before it (and before any dropped statements in between)
     * @param text    the statement, options rewritten if so asked
     * @param role    the role a CREATE/ALTER ROLE is about, or null
     * @param creates whether it is the CREATE ROLE of {@code role}
     * @param line    its line in the original script
     */
    public record Kept(String leading, String text, String role, boolean creates, int line) {
    }

    /** The statements to run, and the comments after the last one. */
    public record Result(List<Kept> statements, String trailing) {

        public Result {
            statements = List.copyOf(statements);
        }
    }

    /** Filters a split script; {@code keepSuperuser} keeps SUPERUSER/REPLICATION/BYPASSRLS as they are. */
    public static Result filter(SqlScript script, boolean keepSuperuser) {
        List<Kept> out = new ArrayList<>();
        StringBuilder pending = new StringBuilder();
        for (SqlStatement st : script.statements()) {
            pending.append(st.leading());
            Kept kept = decide(st, keepSuperuser);
            if (kept != null) {
                out.add(new Kept(pending.toString(), kept.text(), kept.role(), kept.creates(), st.line()));
                pending.setLength(0);
            }
        }
        return new Result(out, pending + script.trailing());
    }

    /** The statement as it is to run, or null to drop it. */
    private static Kept decide(SqlStatement st, boolean keepSuperuser) {
        if (st.kind() == SqlStatement.Kind.META) {
            if (RESTRICT.matcher(st.text()).matches()) {
                return null;
            }
            throw new SqlSyntaxException("a psql command pg_dumpall does not write", st.line());
        }
        if (isRoleStatement(st)) {
            SqlToken name = st.token(2);
            if (name.kind() == SqlToken.Kind.WORD && SELF.contains(name.value())) {
                return null; // the connecting role is never altered
            }
            if (RESERVED.contains(name.value()) || name.value().startsWith("pg_")) {
                return null;
            }
            String text = keepSuperuser ? st.text() : withoutSuperuser(st);
            return new Kept("", text, name.value(), st.isWord(0, "create"), st.line());
        }
        if (st.isWord(0, "grant") && st.tokens().stream().anyMatch(RoleFilter::reserved)) {
            return null;
        }
        return new Kept("", st.text(), null, false, st.line());
    }

    private static boolean reserved(SqlToken t) {
        return t.name() != null && RESERVED.contains(t.name());
    }

    /** CREATE/ALTER ROLE (or USER, GROUP) followed by a name. */
    private static boolean isRoleStatement(SqlStatement st) {
        boolean verb = st.isWord(0, "create") || st.isWord(0, "alter");
        boolean noun = st.isWord(1, "role") || st.isWord(1, "user") || st.isWord(1, "group");
        SqlToken name = st.token(2);
        return verb && noun && name != null && name.name() != null;
    }

    /** The statement with SUPERUSER, REPLICATION and BYPASSRLS options turned into their NO… forms. */
    private static String withoutSuperuser(SqlStatement st) {
        boolean alter = st.isWord(0, "alter");
        SqlToken first = st.token(3);
        if (alter && first != null && first.kind() == SqlToken.Kind.WORD && NOT_OPTIONS.contains(first.value())) {
            return st.text();
        }
        StringBuilder sb = new StringBuilder(st.text());
        int shift = 0;
        for (int i = 3; i < st.tokens().size(); i++) {
            SqlToken t = st.token(i);
            if (t.kind() != SqlToken.Kind.WORD) {
                continue;
            }
            if (MEMBER_CLAUSES.contains(t.value())) {
                break;
            }
            if (ATTRIBUTES.contains(t.value())) {
                sb.insert(t.start() + shift, "NO");
                shift += 2;
            }
        }
        return sb.toString();
    }

    /**
     * The result as a psql script: statements about one role run only if psql is not connected as that role and it
     * is not the target's bootstrap superuser (oid 10, e.g. postgres), using psql's {@code \gset} and {@code \if}:
     * a restore never alters the role it runs as, nor strips SUPERUSER from the server's own first role. A CREATE
     * ROLE runs only if the role does not exist yet, so an existing role is altered without an error.
     */
    public static String toPsql(Result result, String header) {
        StringBuilder out = new StringBuilder(header);
        String open = null; // the role whose guard is open: its consecutive statements share one \if
        for (Kept k : result.statements()) {
            if (open != null && !open.equals(k.role())) {
                out.append("\n\\endif");
                open = null;
            }
            out.append(k.leading());
            if (k.role() != null && out.length() > 0 && out.charAt(out.length() - 1) != '\n') {
                out.append('\n'); // psql commands on lines of their own
            }
            if (k.role() != null && open == null) {
                out.append(guard(k.role()));
                open = k.role();
            }
            if (k.creates()) {
                out.append("\\if :").append(NEW).append('\n').append(k.text()).append("\n\\endif");
            } else {
                out.append(k.text());
            }
        }
        if (open != null) {
            out.append("\n\\endif");
        }
        return out.append(result.trailing()).toString();
    }

    /** Sets the two guard variables for {@code role} and opens the outer {@code \if}. */
    private static String guard(String role) {
        String name = literal(role);
        return "SELECT current_user <> " + name + " AND NOT EXISTS (SELECT 1 FROM pg_roles WHERE oid = 10 AND rolname = "
                + name + ") AS " + GUARD + ", NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = " + name + ") AS " + NEW
                + " \\gset\n\\if :" + GUARD + "\n";
    }

    /** An escape-string literal: means the same whatever standard_conforming_strings is; no raw control char. */
    static String literal(String value) {
        StringBuilder sb = new StringBuilder("E'");
        for (char c : value.toCharArray()) {
            if (c == '\\' || c == '\'') {
                sb.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f) {
                sb.append(String.format("\\x%02x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('\'').toString();
    }
}
