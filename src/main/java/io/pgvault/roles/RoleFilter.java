package io.pgvault.roles;

import java.util.ArrayList;
import java.util.HashSet;
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
 * <li>unless superuser attributes are kept, each statement also carries the form a non-superuser admin (Azure's)
 * runs instead ({@link Kept#asAdmin}): without the attribute options at all (naming SUPERUSER, REPLICATION or
 * BYPASSRLS, even in their NO… forms, is for superusers only) and without a GRANT's {@code GRANTED BY} (only a
 * superuser may name another grantor on PostgreSQL 15).</li>
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
     * @param asAdmin the statement as a non-superuser admin is to run it, or null if the same as {@code text}
     */
    public record Kept(String leading, String text, String role, boolean creates, int line, String asAdmin) {
    }

    /**
     * The statements to run, the comments after the last one, and the roles that are superusers in the script (a
     * non-superuser admin does not recreate them: what they owned becomes the admin's, see restore.sh).
     */
    public record Result(List<Kept> statements, String trailing, Set<String> superusers) {

        public Result {
            statements = List.copyOf(statements);
            superusers = Set.copyOf(superusers);
        }
    }

    /** Filters a split script; {@code keepSuperuser} keeps SUPERUSER/REPLICATION/BYPASSRLS as they are. */
    public static Result filter(SqlScript script, boolean keepSuperuser) {
        List<Kept> out = new ArrayList<>();
        StringBuilder pending = new StringBuilder();
        Set<String> superusers = superusers(script);
        for (SqlStatement st : script.statements()) {
            pending.append(st.leading());
            Kept kept = decide(st, keepSuperuser, superusers);
            if (kept != null) {
                out.add(new Kept(pending.toString(), kept.text(), kept.role(), kept.creates(), st.line(),
                        kept.asAdmin()));
                pending.setLength(0);
            }
        }
        return new Result(out, pending + script.trailing(), superusers);
    }

    /** The roles a CREATE/ALTER ROLE gives SUPERUSER (the option word, not NOSUPERUSER). */
    private static Set<String> superusers(SqlScript script) {
        Set<String> out = new HashSet<>();
        for (SqlStatement st : script.statements()) {
            if (st.kind() == SqlStatement.Kind.SQL && isRoleStatement(st) && options(st).contains("superuser")) {
                out.add(st.token(2).value());
            }
        }
        return out;
    }

    /** The option words of a CREATE/ALTER ROLE, up to a member clause; none for ALTER ROLE … SET/RENAME/…. */
    private static List<String> options(SqlStatement st) {
        List<String> out = new ArrayList<>();
        SqlToken first = st.token(3);
        if (st.isWord(0, "alter") && first != null && first.kind() == SqlToken.Kind.WORD
                && NOT_OPTIONS.contains(first.value())) {
            return out;
        }
        for (int i = 3; i < st.tokens().size(); i++) {
            SqlToken t = st.token(i);
            if (t.kind() == SqlToken.Kind.WORD && MEMBER_CLAUSES.contains(t.value())) {
                break;
            }
            if (t.kind() == SqlToken.Kind.WORD) {
                out.add(t.value());
            }
        }
        return out;
    }

    /** The statement as it is to run, or null to drop it. */
    private static Kept decide(SqlStatement st, boolean keepSuperuser, Set<String> superusers) {
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
            String text = keepSuperuser ? st.text() : withoutSuperuser(st, false);
            String asAdmin = keepSuperuser ? null : differing(withoutSuperuser(st, true), text);
            return new Kept("", text, name.value(), st.isWord(0, "create"), st.line(), asAdmin);
        }
        if (st.isWord(0, "grant") && st.tokens().stream().anyMatch(RoleFilter::reserved)) {
            return null;
        }
        String asAdmin = null;
        if (!keepSuperuser && st.isWord(0, "grant")) {
            // a grant of or to a role an admin does not recreate is left out; else it runs without GRANTED BY
            asAdmin = namesAny(st, superusers) ? "" : differing(withoutGrantor(st), st.text());
        }
        return new Kept("", st.text(), null, false, st.line(), asAdmin);
    }

    /** Whether a name before any GRANTED BY is one of {@code roles}. */
    private static boolean namesAny(SqlStatement st, Set<String> roles) {
        for (SqlToken t : st.tokens()) {
            if (t.isWord("granted")) {
                return false;
            }
            if (t.name() != null && roles.contains(t.name())) {
                return true;
            }
        }
        return false;
    }

    private static String differing(String asAdmin, String text) {
        return asAdmin.equals(text) ? null : asAdmin;
    }

    /** A GRANT without its closing {@code GRANTED BY name}, so the grantor is whoever runs it. */
    private static String withoutGrantor(SqlStatement st) {
        int n = st.tokens().size();
        if (n < 5 || !st.isWord(n - 4, "granted") || !st.isWord(n - 3, "by") || st.token(n - 2).name() == null
                || !";".equals(st.token(n - 1).value())) {
            return st.text();
        }
        SqlToken granted = st.token(n - 4);
        SqlToken grantor = st.token(n - 2);
        int from = granted.start();
        while (from > 0 && Character.isWhitespace(st.text().charAt(from - 1))) {
            from--;
        }
        return st.text().substring(0, from) + st.text().substring(grantor.end());
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

    /**
     * The statement with SUPERUSER, REPLICATION and BYPASSRLS options turned into their NO… forms, or with those
     * options and their NO… forms left out ({@code drop}): a new role lacks them anyway, and a non-superuser may not
     * name them at all.
     */
    private static String withoutSuperuser(SqlStatement st, boolean drop) {
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
            String word = t.value().startsWith("no") ? t.value().substring(2) : t.value();
            if (drop && ATTRIBUTES.contains(word)) {
                int from = t.start();
                while (from > 0 && Character.isWhitespace(st.text().charAt(from - 1))) {
                    from--;
                }
                sb.delete(from + shift, t.end() + shift);
                shift -= t.end() - from;
            } else if (!drop && ATTRIBUTES.contains(t.value())) {
                sb.insert(t.start() + shift, "NO");
                shift += 2;
            }
        }
        return sb.toString();
    }

    /** The result as a psql script for a superuser ({@link PsqlRoles#render} without admins). */
    public static String toPsql(Result result, String header) {
        return PsqlRoles.render(result, header, false);
    }

    /** The result as a psql script; {@code forAdmins}: also for a non-superuser admin ({@link PsqlRoles#render}). */
    public static String toPsql(Result result, String header, boolean forAdmins) {
        return PsqlRoles.render(result, header, forAdmins);
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
