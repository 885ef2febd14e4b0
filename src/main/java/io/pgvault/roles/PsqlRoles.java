package io.pgvault.roles;

/**
 * Renders a {@link RoleFilter.Result} as the psql script the restore kit runs ({@code roles.*.sql}): each run of
 * statements about one role behind a guard computed on the target with {@code \gset} and {@code \if}, and, for
 * scripts a non-superuser admin may run, the admin's forms of the statements and its membership in each role.
 */
final class PsqlRoles {

    /** The psql variable set before each run of statements about one role. */
    static final String GUARD = "pgvault_other_role";
    /** The psql variable that tells whether the guarded role is still to be created. */
    static final String NEW = "pgvault_new_role";
    /** The psql variable that tells whether psql is connected as a superuser (scripts for admins). */
    static final String SUPERUSER = "pgvault_superuser";
    /** The psql variable that tells whether a non-superuser is to join the role. */
    static final String JOIN = "pgvault_join_role";
    private static final String AM_SUPERUSER = "(SELECT rolsuper FROM pg_roles WHERE rolname = current_user)";

    private PsqlRoles() {
    }

    /**
     * The result as a psql script: statements about one role run only if psql is not connected as that role and it
     * is not the target's bootstrap superuser (oid 10, e.g. postgres), using psql's {@code \gset} and {@code \if}:
     * a restore never alters the role it runs as, nor strips SUPERUSER from the server's own first role. A CREATE
     * ROLE runs only if the role does not exist yet, so an existing role is altered without an error.
     * <p>{@code forAdmins}: the script may also be run by a non-superuser admin (Azure's), whom it tells apart by
     * {@code rolsuper}. For such an admin it runs each statement's {@link RoleFilter.Kept#asAdmin} form, skips the statements
     * about roles that are superusers on the target (only a superuser may alter them), and after a role's statements
     * makes the admin a member of the role ({@code GRANT role TO CURRENT_USER}) unless it can already act as it
     * (MEMBER on 15, SET from 16): restoring objects owned by the role needs that. A superuser runs what
     * {@code forAdmins = false} gives.
     */
    static String render(RoleFilter.Result result, String header, boolean forAdmins) {
        StringBuilder out = new StringBuilder(header);
        if (forAdmins) {
            out.append("SELECT rolsuper AS ").append(SUPERUSER).append(" FROM pg_roles WHERE rolname = current_user \\gset\n");
        }
        String open = null; // the role whose guard is open: its consecutive statements share one \if
        for (RoleFilter.Kept k : result.statements()) {
            if (open != null && !open.equals(k.role())) {
                out.append(close(open, forAdmins));
                open = null;
            }
            out.append(k.leading());
            boolean wrapped = forAdmins && k.asAdmin() != null;
            if ((k.role() != null || wrapped) && out.length() > 0 && out.charAt(out.length() - 1) != '\n') {
                out.append('\n'); // psql commands on lines of their own
            }
            if (k.role() != null && open == null) {
                out.append(guard(k.role(), forAdmins && result.superusers().contains(k.role()), forAdmins));
                open = k.role();
            }
            String text = wrapped ? forSuperuserOrAdmin(k) : k.text();
            if (k.creates()) {
                out.append("\\if :").append(NEW).append('\n').append(text).append("\n\\endif");
            } else {
                out.append(text);
            }
        }
        if (open != null) {
            out.append(close(open, forAdmins));
        }
        return out.append(result.trailing()).toString();
    }

    /** Sets the two guard variables for {@code role} and opens the outer {@code \if}. */
    private static String guard(String role, boolean sourceSuperuser, boolean forAdmins) {
        String name = RoleFilter.literal(role);
        String admins = !forAdmins ? "" : sourceSuperuser ? " AND " + AM_SUPERUSER
                : " AND (" + AM_SUPERUSER + " OR NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = " + name
                        + " AND rolsuper))";
        return "SELECT current_user <> " + name + " AND NOT EXISTS (SELECT 1 FROM pg_roles WHERE oid = 10 AND rolname = "
                + name + ")" + admins + " AS " + GUARD + ", NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = " + name
                + ") AS " + NEW + " \\gset\n\\if :" + GUARD + "\n";
    }

    /** Closes a role's guard; for admins, first lets a non-superuser join the role if it cannot act as it yet. */
    private static String close(String role, boolean forAdmins) {
        if (!forAdmins) {
            return "\n\\endif";
        }
        return "\nSELECT NOT " + AM_SUPERUSER + " AND EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = "
                + RoleFilter.literal(role)
                + " AND NOT pg_has_role(current_user, r.oid, CASE WHEN current_setting('server_version_num')::int "
                + ">= 160000 THEN 'SET' ELSE 'MEMBER' END)) AS " + JOIN + " \\gset\n\\if :" + JOIN + "\nGRANT "
                + quoted(role) + " TO CURRENT_USER;\n\\endif\n\\endif";
    }

    /** A quoted identifier: only {@code "} is special inside one. */
    private static String quoted(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    /** The statement for a superuser, else its admin form (an empty admin form: nothing). */
    private static String forSuperuserOrAdmin(RoleFilter.Kept k) {
        String admin = k.asAdmin().isEmpty() ? "" : "\\else\n" + k.asAdmin() + "\n";
        return "\\if :" + SUPERUSER + "\n" + k.text() + "\n" + admin + "\\endif";
    }
}
