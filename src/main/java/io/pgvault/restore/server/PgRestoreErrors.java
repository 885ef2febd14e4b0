package io.pgvault.restore.server;

import io.pgvault.errors.Redactor;
import io.pgvault.restore.server.ServerRestoreReport.RestoreError;
import io.pgvault.vault.BackupLayout;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Collects pg_restore's stderr of one database, line by line, into {@link RestoreError}s with a HINT: an extension
 * the target lacks (Azure's {@code azure.extensions} allow-list), a missing role or library, a privilege a
 * non-superuser admin lacks. pg_restore (without {@code --exit-on-error}) goes on after each error, so the rest
 * of the database is still restored; every error is reported, never hidden. Thread-safe (a stage's files run in
 * parallel).
 */
final class PgRestoreErrors {

    /** At most this many errors are kept per database; the rest are counted. */
    static final int MAX = 50;

    private static final Pattern ERROR = Pattern.compile("pg_restore: error: (?:could not execute query: )?(.*)");
    private static final Pattern TOC = Pattern.compile("pg_restore: from TOC entry (.*)");
    private static final Pattern COMMAND = Pattern.compile("Command was: (.*)");
    private static final List<Pattern> EXTENSION = List.of(
            Pattern.compile("could not open extension control file \"[^\"]*/([^/\"]+)\\.control\""),
            Pattern.compile("extension \"([^\"]+)\" is not available"),
            Pattern.compile("extension \"([^\"]+)\" is not allow-listed"),
            Pattern.compile("extension \"([^\"]+)\" does not exist"));
    private static final Pattern ROLE = Pattern.compile("role \"([^\"]+)\" does not exist");
    private static final Pattern LIBRARY = Pattern.compile("could not (?:access|load) (?:file|library) \"([^\"]+)\"");

    private final String database;
    private final List<RestoreError> errors = new ArrayList<>();
    private int dropped;
    private String toc;
    private String problem;
    private String file;

    PgRestoreErrors(String database) {
        this.database = database;
    }

    /** A consumer for one file's stderr lines. */
    java.util.function.Consumer<String> of(String fileName) {
        return line -> accept(fileName, line);
    }

    synchronized void accept(String fileName, String raw) {
        String line = Redactor.redact(raw);
        Matcher m;
        if ((m = TOC.matcher(line)).matches()) {
            flush();
            toc = m.group(1);
        } else if ((m = ERROR.matcher(line)).matches()) {
            flush();
            problem = m.group(1);
            file = fileName;
        } else if ((m = COMMAND.matcher(line)).matches() && problem != null) {
            flush(m.group(1));
        }
    }

    /** Adds an error found outside pg_restore's stderr (its exit, the stream, the file's hash). */
    synchronized void add(RestoreError e) {
        flush();
        keep(e);
    }

    /** Every error collected, the last pending one included. */
    synchronized List<RestoreError> errors() {
        flush();
        List<RestoreError> all = new ArrayList<>(errors);
        if (dropped > 0) {
            all.add(new RestoreError(dropped + " more pg_restore errors in database " + shown() + " are not listed.",
                    "only the first " + MAX + " are kept", "Fix the errors above and restore again; the rest often"
                    + " follow from them (a missing extension fails every object that uses it)."));
        }
        return all;
    }

    synchronized boolean isEmpty() {
        return errors.isEmpty() && problem == null;
    }

    private void flush() {
        flush(null);
    }

    private void flush(String command) {
        if (problem == null) {
            return;
        }
        String evidence = (file == null ? "" : file) + (toc == null ? "" : "; TOC entry " + toc)
                + (command == null ? "" : "; statement: " + shorten(command));
        keep(new RestoreError("pg_restore reported an error in database " + shown() + ": " + shorten(problem),
                evidence.replaceFirst("^; ", ""), hint(problem)));
        problem = null;
        toc = null;
        file = null;
    }

    private void keep(RestoreError e) {
        if (errors.size() < MAX) {
            errors.add(e);
        } else {
            dropped++;
        }
    }

    /** The HINT for one of pg_restore's messages. */
    static String hint(String message) {
        for (Pattern p : EXTENSION) {
            Matcher m = p.matcher(message);
            if (m.find()) {
                return "The target server lacks extension \"" + m.group(1) + "\". On Azure Database for PostgreSQL allow"
                        + " it in the server parameter azure.extensions (and add it to shared_preload_libraries if it"
                        + " needs a preloaded library, which takes a restart); on a self-managed server install its"
                        + " package. Then restore again with recoveryOption Overwrite.";
            }
        }
        Matcher role = ROLE.matcher(message);
        if (role.find()) {
            return "Role \"" + role.group(1) + "\" is missing on the target: see the roles step's errors (reserved and"
                    + " superuser roles are not created on a managed server), create it, then restore again with"
                    + " recoveryOption Overwrite.";
        }
        Matcher lib = LIBRARY.matcher(message);
        if (lib.find()) {
            return "The target server lacks the library " + lib.group(1) + " (an extension's or a C function's):"
                    + " install it there, or on Azure use only the extensions azure.extensions offers.";
        }
        if (message.contains("permission denied") || message.contains("must be owner")
                || message.contains("must be superuser") || message.contains("must be member")) {
            return "The target login lacks a privilege this object needs (a non-superuser admin cannot restore"
                    + " objects owned by a superuser, nor C functions): restore as a superuser on a self-managed"
                    + " server, or recreate the object by hand.";
        }
        return "Read pg_restore's message and statement above; fix the cause on the target, then restore again with"
                + " recoveryOption Overwrite.";
    }

    private String shown() {
        return BackupLayout.printable(database);
    }

    private static String shorten(String s) {
        String one = BackupLayout.printable(s.strip());
        return one.length() > 300 ? one.substring(0, 300) + "…" : one;
    }
}
