package io.pgvault.vault;


import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.regex.Pattern;

/**
 * Where things live in the vault container. A backup is {@code <server>/<backupId>/…} with
 * {@code manifest.json} written last; week claims are {@code <server>/.weeks/<isoWeek>.json}; job records
 * {@code <server>/.jobs/<jobId>.json}; restore markers {@code <server>/.restores/<key>.json}. Every blob path is
 * built here. Every name that comes from a request is checked here, so no id can
 * climb out of its server's prefix.
 */
public final class BackupLayout {

    /** Backup ids are UTC timestamps: sortable, and nothing else fits the pattern. */
    public static final Pattern BACKUP_ID = Pattern.compile("\\d{8}T\\d{6}Z");
    /**
     * Server names: what Azure allows for Flexible Server names, plus dots and underscores for other hosts. The
     * last character is no dot: Azure Storage drops trailing dots of a path segment, so {@code pg1.} would land
     * in {@code pg1/} and share its catalog, week claims and retention.
     */
    public static final Pattern SERVER_NAME = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9._-]{0,61}[A-Za-z0-9_-])?");
    public static final Pattern JOB_ID = Pattern.compile("(backup|restore|verify|drill)-[A-Za-z0-9-]{1,64}");
    public static final String MANIFEST = "manifest.json";
    public static final String PROGRESS = "progress.json";
    /** A restore marker's key: hex of a hash of what the restore does. */
    public static final Pattern RESTORE_KEY = Pattern.compile("[0-9a-f]{8,64}");
    private static final String JSON = ".json";
    private static final DateTimeFormatter ID_FORMAT =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private BackupLayout() {
    }

    /** A new backup id for a backup started at {@code start}. */
    public static String newBackupId(Instant start) {
        return ID_FORMAT.format(start);
    }

    /** The instant a backup id names. */
    public static Instant startOf(String backupId) {
        return Instant.from(ID_FORMAT.parse(backupId));
    }

    public static String backupPrefix(String server, String backupId) {
        return checkServer(server) + "/" + checkBackupId(backupId) + "/";
    }

    public static String manifestPath(String server, String backupId) {
        return backupPrefix(server, backupId) + MANIFEST;
    }

    /**
     * A run's progress document: the database files it committed so far with their SHA-256, so the next run of
     * the same week can reuse them if this run dies. No secret in it; removed with the run's folder.
     */
    public static String progressPath(String server, String backupId) {
        return backupPrefix(server, backupId) + PROGRESS;
    }

    /** The folder of a server's week claims. */
    public static String weeksPrefix(String server) {
        return checkServer(server) + "/.weeks/";
    }

    public static String weekClaimPath(String server, String isoWeek) {
        return weeksPrefix(server) + isoWeek + JSON;
    }

    /** The ISO week a week claim's blob name names, or null if the name is no claim. */
    public static String weekOfClaim(String server, String blobName) {
        String prefix = weeksPrefix(server);
        if (!blobName.startsWith(prefix) || !blobName.endsWith(JSON)) {
            return null;
        }
        return blobName.substring(prefix.length(), blobName.length() - JSON.length());
    }

    /** The folder of a server's job records. */
    public static String jobsPrefix(String server) {
        return checkServer(server) + "/.jobs/";
    }

    /** The folder of a server's restore drill reports ({@code <jobId>.json}, next to the drill's job record). */
    public static String drillsPrefix(String server) {
        return checkServer(server) + "/.drills/";
    }

    /** The report of one restore drill. */
    public static String drillReportPath(String server, String jobId) {
        jobPath(server, jobId); // the same id rules
        return drillsPrefix(server) + jobId + JSON;
    }

    /** The marker that makes identical restore requests join one run ({@code key}: hex of their hash). */
    public static String restoreMarkerPath(String server, String key) {
        if (key == null || !RESTORE_KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("not a restore marker key: " + printable(key));
        }
        return checkServer(server) + "/.restores/" + key + JSON;
    }

    public static String jobPath(String server, String jobId) {
        if (jobId == null || !JOB_ID.matcher(jobId).matches()) {
            throw new PgvaultException(ErrorKind.INVALID_REQUEST, "The job id is not valid.", "id: " + printable(jobId),
                    "Use the id returned when the job started, such as restore-3f2a….");
        }
        return jobsPrefix(server) + jobId + JSON;
    }

    /** Checks a server name from config or a request. */
    public static String checkServer(String server) {
        if (server == null || !SERVER_NAME.matcher(server).matches()) {
            throw new PgvaultException(ErrorKind.INVALID_REQUEST, "The server name is not valid.", "server: " + printable(server),
                    "Use the server's name as configured in PGVAULT_SERVER_NAME: letters, digits, '.', '_' and '-', "
                            + "at most 63 characters, starting with a letter or digit and not ending with '.'.");
        }
        return server;
    }

    /** Checks a backup id from a request ("latest" is resolved before this). */
    public static String checkBackupId(String backupId) {
        if (backupId == null || !BACKUP_ID.matcher(backupId).matches()) {
            throw new PgvaultException(ErrorKind.INVALID_REQUEST, "The backup id is not valid.", "backupId: " + printable(backupId),
                    "Use an id from the catalog (GET /api/backups or bin/pgvault list), such as 20261122T020000Z, "
                            + "or \"latest\".");
        }
        return backupId;
    }

    /** Shortens and escapes user input before quoting it back in an error. */
    public static String printable(String s) {
        if (s == null) {
            return "(missing)";
        }
        String t = s.length() > 80 ? s.substring(0, 80) + "…" : s;
        StringBuilder sb = new StringBuilder("\"");
        for (char c : t.toCharArray()) {
            sb.append(c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return sb.append('"').toString();
    }

    /** A blob-name-safe file name for a database: index first (unique), then an ASCII slug of the name. */
    public static String databaseFile(int index, String database, String extension) {
        String slug = database.replaceAll("[^A-Za-z0-9_-]+", "_");
        if (slug.length() > 60) {
            slug = slug.substring(0, 60);
        }
        return String.format("databases/%04d_%s%s", index, slug, extension);
    }

    /**
     * The file of one part of a split database, next to its whole dump's name: {@code databases/0001_sales.dump.zst}
     * and {@code data-2} give {@code databases/0001_sales.data-2.dump.zst}.
     */
    public static String partFile(String wholePath, String part) {
        int dump = wholePath.lastIndexOf(".dump");
        return wholePath.substring(0, dump) + "." + part + wholePath.substring(dump);
    }
}
