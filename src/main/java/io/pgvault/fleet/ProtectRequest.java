package io.pgvault.fleet;

import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import io.pgvault.matrix.Placement;
import io.pgvault.vault.BackupLayout;

import java.time.DayOfWeek;
import java.util.Locale;

/**
 * Body of {@code POST /api/protect} (and of {@code bin/pgvault servers add}): the whole entry of one server — it
 * replaces the stored one — plus {@code force} (save it although the preflight refused it) and {@code etag} (the
 * version this edit changes; without it, the version read now). {@code password} exists only to be refused.
 */
public record ProtectRequest(String server, String host, Integer port, String database, String user, String auth,
        String passwordRef, String password, String sslmode, Placement placement, Policy policy, String state,
        Boolean force, String etag) {

    /** The policy as sent; missing values take the defaults (Sunday 02:00 UTC, the configured retention). */
    public record Policy(String dayOfWeek, Integer hourUtc, Integer weeklyWeeks, Integer monthlyMonths,
            Integer yearlyYears, String compression, Integer parallelism) {

        BackupPolicy with(BackupPolicy d) {
            return new BackupPolicy(dayOfWeek == null ? d.dayOfWeek() : day(dayOfWeek),
                    hourUtc == null ? d.hourUtc() : hourUtc, weeklyWeeks == null ? d.weeklyWeeks() : weeklyWeeks,
                    monthlyMonths == null ? d.monthlyMonths() : monthlyMonths,
                    yearlyYears == null ? d.yearlyYears() : yearlyYears,
                    compression == null ? d.compression() : compression, parallelism == null ? d.parallelism() : parallelism);
        }
    }

    /** A day as {@code sun}, {@code Sunday} or {@code SUNDAY}. */
    static DayOfWeek day(String text) {
        String t = text.trim().toUpperCase(Locale.ROOT);
        for (DayOfWeek d : DayOfWeek.values()) {
            if (t.length() >= 3 && d.name().startsWith(t)) {
                return d;
            }
        }
        throw new PgvaultException(ErrorKind.INVALID_REQUEST, "The backup day is not valid.",
                "dayOfWeek: " + BackupLayout.printable(text), "Use a day of the week such as sun or Sunday (UTC).");
    }

    /** The checked entry this request describes; a password sent inline is refused and never stored. */
    public ServerEntry entry(BackupPolicy defaults) {
        if (password != null) {
            throw new PgvaultException(ErrorKind.INVALID_REQUEST, "A password was sent inline; it was refused and "
                    + "nothing was saved.", "field password is set (its value is not shown)",
                    "Never send a password. Send auth \"password\" with passwordRef: env:PGVAULT_PG_PASSWORD_<NAME> "
                            + "locally, or a Key Vault secret URI in Azure; or use auth \"entra\".");
        }
        if (port == null) {
            throw new PgvaultException(ErrorKind.INVALID_REQUEST, "The server entry is not valid.", "port is missing",
                    "Give the server's TCP port (PostgreSQL's is 5432).");
        }
        BackupPolicy p = policy == null ? defaults : policy.with(defaults);
        return new ServerEntry(server, host, port, database, user, AuthMode.parse(auth), passwordRef, sslmode,
                placement, p, ProtectionState.parse(state), false).checked(defaults);
    }

    /** Whether a refused server is to be saved anyway. */
    public boolean forced() {
        return Boolean.TRUE.equals(force);
    }
}
