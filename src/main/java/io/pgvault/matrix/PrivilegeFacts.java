package io.pgvault.matrix;

import java.util.List;

/**
 * What pgvault's login role may read of what a backup dumps, from the catalogs of the server and of every included
 * database: the role's attributes and the {@link ReadGap gaps} found.
 *
 * @param role               the login role ({@code current_user})
 * @param superuser          {@code rolsuper}: reads everything, row security and large objects included
 * @param bypassRls          {@code rolbypassrls}
 * @param loCompatPrivileges the server parameter {@code lo_compat_privileges}: large objects readable by anyone
 * @param gaps               every gap found (null: none)
 */
public record PrivilegeFacts(String role, boolean superuser, boolean bypassRls, boolean loCompatPrivileges,
                             List<ReadGap> gaps) {

    /** Copies the gaps. */
    public PrivilegeFacts {
        gaps = gaps == null ? List.of() : List.copyOf(gaps);
    }

    /** Facts that show no gap: a role nothing is known about, as in facts built before this rule existed. */
    public static PrivilegeFacts unknown() {
        return new PrivilegeFacts(null, false, false, false, List.of());
    }
}
