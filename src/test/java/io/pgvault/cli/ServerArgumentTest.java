package io.pgvault.cli;

import io.pgvault.errors.ErrorKind;
import io.pgvault.fleet.AuthMode;
import io.pgvault.restore.server.PgTarget;
import io.pgvault.testing.Errors;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --target-server HOST[:PORT]} and its companions, as the restore command reads them. */
class ServerArgumentTest {

    @Test
    void hostsPortsAndLogins() {
        assertEquals(new PgTarget("pg.example", 5432, "u", "require", AuthMode.ENTRA, null),
                ServerArgument.target("pg.example", "u", null, "require"));
        assertEquals(new PgTarget("10.0.0.5", 6432, "u", "disable", AuthMode.PASSWORD, "env:PGVAULT_SECRET_X"),
                ServerArgument.target("10.0.0.5:6432", "u", "PGVAULT_SECRET_X", "disable"));
        assertEquals(new PgTarget("2001:db8::5", 5433, "u", "require", AuthMode.ENTRA, null),
                ServerArgument.target("[2001:db8::5]:5433", "u", null, "require"));
        assertEquals(new PgTarget("2001:db8::5", 5432, "u", "require", AuthMode.ENTRA, null),
                ServerArgument.target("2001:db8::5", "u", null, "require"));
        for (String bad : new String[] {"pg.example:x", "[2001:db8::5", "pg.example:"}) {
            var e = Errors.assertKind(ErrorKind.INVALID_REQUEST, () -> ServerArgument.target(bad, "u", null, "require"), bad);
            assertTrue(e.hint().contains("HOST") || e.hint().contains("host"), e.render());
        }
        // a variable that is not a password variable is refused by the reference check, without its value
        var e = Errors.assertKind(ErrorKind.INVALID_REQUEST,
                () -> ServerArgument.target("pg.example", "u", "PGVAULT_VAULT_CONNECTION_STRING", "require").checked());
        assertFalse(e.render().contains("AccountKey"), e.render());
    }
}
