package io.pgvault.restore.server;

import io.pgvault.restore.server.ServerRestoreReport.RestoreError;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How pg_restore's stderr becomes errors with a HINT. The PostgreSQL 15 lines are real pg_restore output (the
 * extension case is what ServerRestoreTest gets from the target cluster); Azure's allow-list message could not be
 * produced here (no Azure): it is the wording Azure Database for PostgreSQL is known to use, not verified here —
 * the HINT does not depend on it beyond {@code extension "…" is not allow-listed}.
 */
class PgRestoreErrorsTest {

    @Test
    void anExtensionTheTargetLacksIsNamedWithTheServerParameter() {
        PgRestoreErrors errors = new PgRestoreErrors("app");
        feed(errors, "databases/0001_app.dump.zst",
                "pg_restore: while PROCESSING TOC:",
                "pg_restore: from TOC entry 2; 3079 16385 EXTENSION pgvault_src_only (no owner)",
                "pg_restore: error: could not execute query: ERROR:  could not open extension control file"
                        + " \"/usr/share/postgresql/15/extension/pgvault_src_only.control\": No such file or directory",
                "Command was: CREATE EXTENSION IF NOT EXISTS pgvault_src_only WITH SCHEMA public;",
                "pg_restore: error: could not execute query: ERROR:  extension \"vector\" is not allow-listed for"
                        + " \"azure_pg_admin\" users in Azure Database for PostgreSQL",
                "Command was: CREATE EXTENSION IF NOT EXISTS vector WITH SCHEMA public;",
                "pg_restore: warning: errors ignored on restore: 2");
        List<RestoreError> found = errors.errors();
        assertEquals(2, found.size(), found.toString());
        RestoreError first = found.get(0);
        assertTrue(first.hint().contains("\"pgvault_src_only\"") && first.hint().contains("azure.extensions"), first.render());
        assertTrue(first.evidence().contains("databases/0001_app.dump.zst") && first.evidence().contains("TOC entry 2;")
                && first.evidence().contains("CREATE EXTENSION IF NOT EXISTS pgvault_src_only"), first.render());
        assertTrue(found.get(1).hint().contains("\"vector\"") && found.get(1).hint().contains("azure.extensions"),
                found.get(1).render());
    }

    @Test
    void otherErrorsGetTheirOwnHintAndTheListIsBounded() {
        PgRestoreErrors errors = new PgRestoreErrors("app");
        feed(errors, "f", "pg_restore: error: could not execute query: ERROR:  role \"app_owner\" does not exist",
                "Command was: ALTER TABLE public.t OWNER TO app_owner;");
        feed(errors, "f", "pg_restore: error: could not execute query: ERROR:  must be owner of schema public");
        assertTrue(errors.errors().get(0).hint().contains("\"app_owner\"") && errors.errors().get(0).hint().contains("roles"));
        assertTrue(errors.errors().get(1).hint().contains("non-superuser"), errors.errors().get(1).render());
        for (int i = 0; i < PgRestoreErrors.MAX + 5; i++) {
            feed(errors, "f", "pg_restore: error: could not execute query: ERROR:  relation \"t" + i + "\" already exists");
        }
        List<RestoreError> all = errors.errors();
        assertEquals(PgRestoreErrors.MAX + 1, all.size());
        assertTrue(all.get(all.size() - 1).problem().startsWith("7 more pg_restore errors"), all.get(all.size() - 1).render());
    }

    private static void feed(PgRestoreErrors errors, String file, String... lines) {
        for (String line : lines) {
            errors.accept(file, line);
        }
    }
}
