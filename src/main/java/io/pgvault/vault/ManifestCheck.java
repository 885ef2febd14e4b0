package io.pgvault.vault;

import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import com.fasterxml.jackson.core.JsonProcessingException;

import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a manifest read from the vault before anything uses it. A manifest is data anyone with write access
 * to the vault could have changed: its paths end up in blob names and the restore kit, its versions in
 * RESTORE.md. Every field must look exactly like what pgvault writes, and the manifest must be the one of the
 * server and backup it was read for; otherwise the read fails with an {@link PgvaultException} of kind {@code INTEGRITY}.
 */
public final class ManifestCheck {

    /**
     * A stored file: the roles script, a database dump, or a part of a split one (group 1: the part); no "..", no
     * other folder.
     */
    public static final Pattern PATH = Pattern.compile(
            "roles\\.sql|databases/\\d{4}_[A-Za-z0-9_-]{1,64}(?:\\.(pre-data|post-data|data-[1-9]\\d{0,3}))?\\.dump(\\.zst)?");
    /** A part of a split database, as {@link Manifest.File#part()} names it. */
    static final Pattern PART = Pattern.compile("pre-data|post-data|data-[1-9]\\d{0,3}");
    /** A file's compression as {@code DumpCompression} writes it. */
    public static final Pattern FILE_COMPRESSION = Pattern.compile("(zstd|gzip)(:\\d{1,2})?|none");
    /** The backup's compression setting (case and surrounding blanks as configured). */
    static final Pattern SETTING_COMPRESSION = Pattern.compile("\\s*((zstd|gzip)(:\\d{1,2})?|none)\\s*",
            Pattern.CASE_INSENSITIVE);
    /** pg_dump's version, e.g. 15.18. */
    public static final Pattern TOOL_VERSION = Pattern.compile("\\d{1,4}(\\.\\d{1,6}){0,3}");
    /** server_version, e.g. {@code 15.10 (Debian 15.10-1.pgdg120+1)}: printable, no quotes or control chars. */
    static final Pattern SERVER_VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9 ._+~(),:/@#\\[\\]-]{0,127}");
    static final Pattern ISO_WEEK = Pattern.compile("\\d{4}-W\\d{2}");
    static final Pattern TYPE = Pattern.compile("[A-Z_]{1,32}");
    static final Pattern PGVAULT_VERSION = Pattern.compile("[0-9A-Za-z.+_-]{1,40}");
    static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    static final Pattern MD5 = Pattern.compile("[A-Za-z0-9+/]{22}==");
    /** pg_control_system().system_identifier: an unsigned 64-bit number in decimal. */
    static final Pattern SYSTEM_IDENTIFIER = Pattern.compile("[0-9]{1,20}");

    private final String where;

    private ManifestCheck(String where) {
        this.where = where;
    }

    /** A manifest blob that is no JSON pgvault can read: changed in the vault after the backup. */
    static PgvaultException notAManifest(String path, UncheckedIOException e) {
        String why = e.getCause() instanceof JsonProcessingException j ? j.getOriginalMessage()
                : String.valueOf(e.getCause());
        return new PgvaultException(ErrorKind.INTEGRITY, "The manifest " + path + " is not a pgvault manifest; pgvault will not use it.",
                BackupLayout.printable(why), "It was changed in the vault after the backup: restore another backup "
                        + "(bin/pgvault list), keep this folder for investigation, and review who can write to the "
                        + "vault container.", e);
    }

    /** Returns {@code m} if it is a valid manifest of backup {@code backupId} of {@code server}; throws otherwise. */
    public static Manifest check(Manifest m, String server, String backupId) {
        ManifestCheck c = new ManifestCheck(BackupLayout.manifestPath(server, backupId));
        if (m == null) {
            throw c.bad("is empty", "manifest: null");
        }
        c.require(m.formatVersion() >= 1 && m.formatVersion() <= Manifest.FORMAT_VERSION, "formatVersion",
                String.valueOf(m.formatVersion()), "has a format this pgvault does not know",
                "It was written by a newer pgvault: restore it with that version.");
        c.require(server.equals(m.server()), "server", m.server(), "belongs to another server", null);
        c.require(backupId.equals(m.backupId()), "backupId", m.backupId(), "belongs to another backup", null);
        c.match(ISO_WEEK, m.isoWeek(), "isoWeek");
        c.match(TYPE, m.type(), "type");
        c.require(m.startedAt() != null && m.finishedAt() != null, "startedAt/finishedAt",
                m.startedAt() + "/" + m.finishedAt(), "has no start or end time", null);
        c.match(SERVER_VERSION, m.serverVersion(), "serverVersion");
        c.match(TOOL_VERSION, m.pgDumpVersion(), "pgDumpVersion");
        c.match(SETTING_COMPRESSION, m.compression(), "compression");
        c.require(m.totalBytes() >= 0, "totalBytes", String.valueOf(m.totalBytes()), "has a negative size", null);
        if (m.pgvaultVersion() != null) {
            c.match(PGVAULT_VERSION, m.pgvaultVersion(), "pgvaultVersion");
        }
        if (m.systemIdentifier() != null) {
            c.match(SYSTEM_IDENTIFIER, m.systemIdentifier(), "systemIdentifier");
        }
        c.files(m.files());
        c.require(m.excludedDatabases() != null, "excludedDatabases", "null", "has no list of excluded databases", null);
        for (int i = 0; i < m.excludedDatabases().size(); i++) {
            Manifest.ExcludedDatabase e = m.excludedDatabases().get(i);
            c.require(e != null && name(e.database()) && (e.owner() == null || name(e.owner())) && e.reason() != null,
                    "excludedDatabases[" + i + "]", String.valueOf(e), "lists an excluded database without a name", null);
        }
        return m;
    }

    /**
     * The same check on a manifest about to be committed: a backup never writes one its readers would refuse.
     * A refusal here is pgvault's own fault (or an unexpected version string), so the HINT says so.
     */
    public static Manifest checkNew(Manifest m, String server, String backupId) {
        try {
            return check(m, server, backupId);
        } catch (PgvaultException e) {
            if (e.kind() != ErrorKind.INTEGRITY) {
                throw e;
            }
            throw new PgvaultException(ErrorKind.INTEGRITY, "Backup " + backupId + " would get a manifest pgvault cannot read back: "
                    + e.problem(), e.evidence(), "Nothing was committed. The value came from the server, pg_dump or the "
                    + "configuration: report this message to pgvault's maintainers.", e);
        }
    }

    /**
     * Checks an interrupted run's progress document (read to resume its week) like a manifest's file list: its
     * entries name files pgvault may read back and copy. Throws {@code INTEGRITY} if it is not what pgvault writes.
     */
    public static RunProgress checkProgress(RunProgress p, String server, String backupId) {
        ManifestCheck c = new ManifestCheck(BackupLayout.progressPath(server, backupId));
        c.require(p != null && server.equals(p.server()) && backupId.equals(p.backupId()), "server/backupId",
                p == null ? null : p.server() + "/" + p.backupId(), "belongs to another run", null);
        c.files(p.files());
        return p;
    }

    private void files(List<Manifest.File> files) {
        require(files != null, "files", "null", "has no list of files", null);
        Set<String> paths = new HashSet<>();
        for (int i = 0; i < files.size(); i++) {
            Manifest.File f = files.get(i);
            String field = "files[" + i + "]";
            require(f != null, field, "null", "has an empty file entry", null);
            match(PATH, f.path(), field + ".path");
            require(paths.add(f.path()), field + ".path", f.path(), "lists a file twice", null);
            boolean database = Manifest.File.KIND_DATABASE.equals(f.kind());
            boolean globals = Manifest.File.KIND_GLOBALS.equals(f.kind());
            require(database ? f.path().startsWith("databases/") : globals && f.path().equals("roles.sql"),
                    field + ".kind", f.kind(), "has a file of an unknown kind or in the wrong place", null);
            require(!database || (name(f.database()) && (f.owner() == null || name(f.owner()))), field + ".database",
                    f.database(), "has a database file without a valid database name", null);
            match(FILE_COMPRESSION, f.compression(), field + ".compression");
            require(f.path().endsWith(".zst") == f.compression().startsWith("zstd"), field + ".compression",
                    f.compression(), "has a compression that does not fit the file name " + f.path(), null);
            match(SHA256, f.sha256(), field + ".sha256");
            if (f.md5() != null) {
                match(MD5, f.md5(), field + ".md5");
            }
            require(f.bytes() >= 0 && f.databaseSizeBytes() >= 0, field + ".bytes", String.valueOf(f.bytes()),
                    "has a negative size", null);
            if (f.reusedFrom() != null) {
                match(BackupLayout.BACKUP_ID, f.reusedFrom(), field + ".reusedFrom");
            }
            part(f, field);
            tables(f, database, field);
        }
        completeParts(files);
    }

    /** A part is named in its path too (the kit and the restore read it there), and only a database has parts. */
    private void part(Manifest.File f, String field) {
        java.util.regex.Matcher m = PATH.matcher(f.path());
        m.matches();
        if (f.part() != null) {
            match(PART, f.part(), field + ".part");
        }
        require(java.util.Objects.equals(m.group(1), f.part()), field + ".part", f.part(),
                "has a part that does not fit the file name " + f.path(), null);
    }

    /** A database file's table statistics (optional): named tables, each once, sizes and counts not negative. */
    private void tables(Manifest.File f, boolean database, String field) {
        if (f.tables() == null) {
            return;
        }
        require(database, field + ".tables", f.kind(), "lists tables for a file that is no database dump", null);
        Set<String> seen = new HashSet<>();
        for (int t = 0; t < f.tables().size(); t++) {
            Manifest.TableStat s = f.tables().get(t);
            String at = field + ".tables[" + t + "]";
            require(s != null && name(s.schema()) && name(s.table()), at, String.valueOf(s), "lists a table without a valid schema and name", null);
            require(seen.add(s.schema() + "\0" + s.table()), at, s.schema() + "." + s.table(), "lists a table twice", null);
            // an estimate is -1 for a table the planner never analyzed; a count is never negative
            require(s.bytes() >= 0 && s.rows() >= (s.exact() ? 0 : -1), at, s.schema() + "." + s.table() + " rows "
                    + s.rows() + " bytes " + s.bytes(), "lists a table with a negative row count or size", null);
        }
    }

    /**
     * A database is one whole file or all its parts: one pre-data, data-1 … data-N without a gap, one post-data.
     * A missing part would restore a database without some of its rows, so an incomplete set is refused.
     */
    private void completeParts(List<Manifest.File> files) {
        java.util.Map<String, List<String>> parts = new java.util.LinkedHashMap<>();
        for (Manifest.File f : files) {
            if (Manifest.File.KIND_DATABASE.equals(f.kind())) {
                parts.computeIfAbsent(f.database(), d -> new java.util.ArrayList<>()).add(String.valueOf(f.part()));
            }
        }
        parts.forEach((db, names) -> require(names.equals(List.of("null")) || completeSet(names), "files",
                db + ": " + names, "lists database files that are neither one whole dump nor every part of a split one",
                null));
    }

    private static boolean completeSet(List<String> names) {
        Set<String> expected = new HashSet<>(List.of(Manifest.PART_PRE_DATA, Manifest.PART_POST_DATA));
        for (int i = 1; i <= names.size() - 2; i++) {
            expected.add(Manifest.PART_DATA_PREFIX + i);
        }
        return names.size() >= 3 && new HashSet<>(names).equals(expected) && names.size() == expected.size();
    }

    /** A database or role name: not empty, no NUL (PostgreSQL allows anything else in a quoted name). */
    private static boolean name(String s) {
        return s != null && !s.isEmpty() && s.indexOf('\0') < 0;
    }

    private void match(Pattern p, String value, String field) {
        require(value != null && p.matcher(value).matches(), field, value, "has an invalid " + field, null);
    }

    private void require(boolean ok, String field, String value, String what, String hint) {
        if (!ok) {
            throw bad(what, field + ": " + BackupLayout.printable(value), hint);
        }
    }

    private PgvaultException bad(String what, String evidence) {
        return bad(what, evidence, null);
    }

    private PgvaultException bad(String what, String evidence, String hint) {
        return new PgvaultException(ErrorKind.INTEGRITY, "The manifest " + where + " " + what + "; pgvault will not use it.",
                evidence, hint != null ? hint : "pgvault writes only manifests that pass this check, so this one was "
                        + "changed in the vault after the backup: restore another backup (bin/pgvault list), keep this "
                        + "folder for investigation, and review who can write to the vault container.");
    }
}
