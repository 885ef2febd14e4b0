package io.pgvault.restore;

import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import io.pgvault.roles.RoleFilter;
import io.pgvault.roles.SqlScanner;
import io.pgvault.roles.SqlScript;
import io.pgvault.roles.SqlSyntaxException;
import io.pgvault.vault.BackupLayout;
import io.pgvault.vault.Manifest;
import io.pgvault.vault.Sha256;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The files a restore places next to a backup's dumps so that a DBA can rebuild the server with native tools.
 * {@code restore.sh} is a constant resource: nothing from the manifest is ever spliced into shell text. What it
 * restores is data in {@code restore-data.tsv} (names base64-encoded, every value checked by the script), and the
 * roles come from {@code roles.managed.sql} / {@code roles.keep-superuser.sql}, made here from the backup's
 * {@code roles.sql} by {@link RoleFilter}. Plus {@code RESTORE.md} and {@code SHA256SUMS} over every file.
 */
public final class RestoreKit {

    public static final String SCRIPT = "restore.sh";
    public static final String README = "RESTORE.md";
    public static final String SUMS = "SHA256SUMS";
    public static final String DATA = "restore-data.tsv";
    public static final String ROLES = "roles.sql";
    public static final String ROLES_MANAGED = "roles.managed.sql";
    public static final String ROLES_KEEP_SUPERUSER = "roles.keep-superuser.sql";

    private static final byte[] SCRIPT_TEXT = resource(SCRIPT);
    private static final String README_TEXT = new String(resource(README), StandardCharsets.UTF_8);
    private static final Pattern PLACEHOLDER = Pattern.compile("@([A-Z]+)@");

    private RestoreKit() {
    }

    /**
     * File name → content of every kit file for this (checked) manifest; {@code rolesSql} is the backup's
     * {@code roles.sql} as stored, or null if the backup has none. Throws an {@link PgvaultException} of kind {@code INTEGRITY} naming
     * roles.sql if it cannot be read safely.
     */
    public static Map<String, byte[]> files(Manifest m, byte[] rolesSql) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        out.put(SCRIPT, SCRIPT_TEXT.clone());
        out.put(README, readme(m).getBytes(StandardCharsets.UTF_8));
        out.put(DATA, data(m).getBytes(StandardCharsets.UTF_8));
        if (rolesSql != null) {
            out.putAll(roles(m, rolesSql));
        }
        out.put(SUMS, sums(m, out).getBytes(StandardCharsets.UTF_8));
        return out;
    }

    /**
     * The two filtered roles files. The script is handled byte for byte (ISO-8859-1), whatever its encoding. Public:
     * the restore into a server runs {@link #ROLES_MANAGED} from here, the very file restore.sh runs.
     */
    public static Map<String, byte[]> roles(Manifest m, byte[] rolesSql) {
        SqlScript script;
        Map<String, byte[]> out = new LinkedHashMap<>();
        try {
            script = SqlScanner.scan(new String(rolesSql, StandardCharsets.ISO_8859_1));
            out.put(ROLES_MANAGED, RoleFilter.toPsql(RoleFilter.filter(script, false), header(false), true)
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.put(ROLES_KEEP_SUPERUSER, RoleFilter.toPsql(RoleFilter.filter(script, true), header(true))
                    .getBytes(StandardCharsets.ISO_8859_1));
        } catch (SqlSyntaxException e) {
            throw new PgvaultException(ErrorKind.INTEGRITY, "roles.sql of backup " + m.backupId() + " cannot be read safely: "
                    + e.reason() + ".", "roles.sql, line " + e.line() + ": "
                    + BackupLayout.printable(lineOf(rolesSql, e.line())),
                    "pg_dumpall always closes its quotes and statements, so roles.sql (and its hash in the manifest) "
                            + "was changed in the vault after the backup: restore another backup (bin/pgvault list); "
                            + "to use this one, copy its files with azcopy, read roles.sql and create the roles by hand, "
                            + "then run restore.sh --skip-roles.");
        }
        return out;
    }

    private static String header(boolean keepSuperuser) {
        return "-- pgvault: roles.sql of this backup, filtered for " + (keepSuperuser
                ? "a self-managed server (restore.sh --keep-superuser): SUPERUSER, REPLICATION and BYPASSRLS kept"
                : "a managed server (restore.sh): SUPERUSER, REPLICATION and BYPASSRLS turned into NO...")
                + ";\n-- reserved roles (azure_*, azuresu, replication, pg_*) and their grants left out; statements about\n"
                + "-- the role psql connects as and the server's bootstrap superuser are skipped.\n"
                + (keepSuperuser ? "" : "-- Run by a non-superuser admin (Azure's): without those attributes and GRANTED BY, roles that\n"
                        + "-- are superusers here skipped, and the admin made a member of each role (to restore its objects).\n")
                + "-- Run with: psql -X -d postgres -f <this file>\n";
    }

    /**
     * One database file a line, in restore order (a split database's parts pre-data, data-1 … data-N, post-data
     * one after the other): base64(name), file, compression, base64(owner) or "-", part or "-".
     */
    static String data(Manifest m) {
        StringBuilder sb = new StringBuilder("# pgvault restore kit data, read by restore.sh: base64(database)\tfile\t"
                + "compression\tbase64(owner) or -\tpart or -\n");
        for (Manifest.DatabaseDump db : m.databaseDumps()) {
            for (Manifest.File f : db.files()) {
                sb.append(b64(f.database())).append('\t').append(f.path()).append('\t').append(f.compression())
                        .append('\t').append(f.owner() == null || f.owner().isEmpty() ? "-" : b64(f.owner()))
                        .append('\t').append(f.part() == null ? "-" : f.part()).append('\n');
            }
        }
        return sb.toString();
    }

    /** Every stored file (hash from the manifest) and every kit file but this one. */
    static String sums(Manifest m, Map<String, byte[]> kit) {
        StringBuilder sb = new StringBuilder();
        for (Manifest.File f : m.files()) {
            sb.append(f.sha256()).append("  ").append(f.path()).append('\n');
        }
        kit.forEach((name, content) -> sb.append(Sha256.hex(content)).append("  ").append(name)
                .append('\n'));
        return sb.toString();
    }

    static String readme(Manifest m) {
        StringBuilder dbs = new StringBuilder();
        for (Manifest.DatabaseDump db : m.databaseDumps()) {
            for (Manifest.File f : db.files()) {
                dbs.append("| `").append(markdown(f.database())).append("` | ")
                        .append(f.part() == null ? "whole" : f.part()).append(" | `").append(f.path()).append("` | ")
                        .append(f.bytes()).append(" | ").append(f.compression()).append(" |\n");
            }
        }
        StringBuilder excluded = new StringBuilder();
        for (Manifest.ExcludedDatabase e : m.excludedDatabases()) {
            excluded.append("- `").append(markdown(e.database())).append("`: ").append(markdown(e.reason())).append('\n');
        }
        Map<String, String> values = Map.of("SERVER", m.server(), "BACKUP", m.backupId(), "WEEK", m.isoWeek(),
                "VERSION", m.serverVersion(), "PGDUMP", m.pgDumpVersion(), "DBS", dbs.toString(),
                "EXCLUDED", excluded.length() == 0 ? "- none\n" : excluded.toString());
        return fill(README_TEXT, values);
    }

    /** Replaces every @NAME@ in one pass, so a value that contains a placeholder is not expanded again. */
    static String fill(String template, Map<String, String> values) {
        Matcher mt = PLACEHOLDER.matcher(template);
        StringBuilder sb = new StringBuilder();
        while (mt.find()) {
            String v = values.get(mt.group(1));
            mt.appendReplacement(sb, Matcher.quoteReplacement(v == null ? mt.group() : v));
        }
        mt.appendTail(sb);
        return sb.toString();
    }

    /** A free-text name inside a Markdown table cell: no line break, pipe or backtick can change the layout. */
    private static String markdown(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : String.valueOf(s).toCharArray()) {
            if (c < 0x20 || c == 0x7f) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c == '|' ? "\\|" : c == '`' ? "'" : String.valueOf(c));
            }
        }
        return sb.toString();
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String lineOf(byte[] script, int line) {
        String[] lines = new String(script, StandardCharsets.UTF_8).split("\n", -1);
        return line >= 1 && line <= lines.length ? lines[line - 1] : "";
    }

    private static byte[] resource(String name) {
        try (InputStream in = RestoreKit.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + name + " is missing next to " + RestoreKit.class.getName());
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
