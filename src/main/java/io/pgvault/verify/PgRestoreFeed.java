package io.pgvault.verify;

import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import io.pgvault.errors.Redactor;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Feeds an archive stream into {@code pg_restore} through its stdin (no temp file) and collects what it says:
 * exit code, the number of table-of-contents entries it listed, and the tail of its stderr. pg_restore may
 * stop reading before the end (with {@code --list} it reads only the header and the TOC): the rest of the
 * stream is then left to the caller. Public for the restore into a server, which reads every stderr line (its
 * errors are collected per database, not only the tail).
 */
public final class PgRestoreFeed {

    private static final int TAIL = 8 * 1024;

    private PgRestoreFeed() {
    }

    /** What pg_restore made of the stream. {@code inputError}: the stream itself failed (e.g. a broken zstd frame). */
    public record Result(int exit, int tocEntries, boolean archiveHeader, String stderr, String inputError) {
        public boolean ok() {
            return exit == 0 && inputError == null;
        }

        /** One line for a report: why pg_restore did not accept the archive. */
        public String problem() {
            if (inputError != null) {
                return inputError;
            }
            String s = stderr.strip();
            return "pg_restore exit " + exit + (s.isEmpty() ? "" : ": " + s.lines().limit(3).reduce((a, b) -> a + " | " + b).orElse(""));
        }
    }

    /** Starts pg_restore, feeds it {@code data}, waits for it (bounded by {@code timeout}) and says what it made of it. */
    static Result run(ProcessBuilder pb, InputStream data, Duration timeout) {
        return run(pb, data, timeout, null);
    }

    /** The same; every line pg_restore writes to stderr also goes to {@code errorLines} (unredacted: redact there). */
    public static Result run(ProcessBuilder pb, InputStream data, Duration timeout,
            java.util.function.Consumer<String> errorLines) {
        Process p = start(pb);
        Listing listing = new Listing();
        Thread out = drain("pgvault-restore-out", p.getInputStream(), listing::accept, null);
        StringBuilder err = new StringBuilder();
        Thread errs = drain("pgvault-restore-err", p.getErrorStream(), errorLines, err);
        String inputError = feed(p, data);
        if (!finished(p, timeout, out, errs)) {
            return new Result(-1, listing.entries, listing.header, "pg_restore did not finish within " + timeout, inputError);
        }
        String stderr;
        synchronized (err) {
            stderr = Redactor.redact(err.toString());
        }
        return new Result(p.exitValue(), listing.entries, listing.header, stderr, inputError);
    }

    private static Process start(ProcessBuilder pb) {
        try {
            return pb.redirectErrorStream(false).start();
        } catch (IOException e) {
            throw new PgvaultException(ErrorKind.DUMP_FAILED, "Could not start " + pb.command().get(0) + ".", e.getMessage(),
                    "Install the PostgreSQL client (pg_restore) or set PGVAULT_PG_BIN_DIR.", e);
        }
    }

    /** What {@code pg_restore --list} printed: whether it saw a custom archive's header, and how many TOC entries. */
    private static final class Listing {
        volatile int entries;
        volatile boolean header;

        void accept(String line) {
            if (line.startsWith("; Archive created at") || line.startsWith(";     Format: CUSTOM")) {
                header = true;
            } else if (!line.isBlank() && !line.startsWith(";")) {
                entries++; // one reader thread writes it
            }
        }
    }

    /** Copies {@code data} into pg_restore's stdin until either ends; the stream's own failure, if any. */
    private static String feed(Process p, InputStream data) {
        String inputError = null;
        try (OutputStream stdin = p.getOutputStream()) {
            inputError = copy(data, stdin);
        } catch (IOException ignored) {
            // closing a pipe pg_restore already closed
        }
        return inputError;
    }

    private static String copy(InputStream data, OutputStream stdin) {
        byte[] buf = new byte[1 << 16];
        while (true) {
            int n;
            try {
                n = data.read(buf);
            } catch (IOException e) {
                return "the archive stream could not be read: " + e.getMessage();
            }
            if (n < 0) {
                return null;
            }
            try {
                stdin.write(buf, 0, n);
            } catch (IOException e) {
                return null; // pg_restore stopped reading (it has what it needs, or it failed): its exit code tells
            }
        }
    }

    /** Waits for pg_restore and its output readers; false (and pg_restore killed) if it ran past {@code timeout}. */
    private static boolean finished(Process p, Duration timeout, Thread out, Thread errs) {
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(30, TimeUnit.SECONDS);
                return false;
            }
            out.join(10_000);
            errs.join(10_000);
            return true;
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while pg_restore ran", e);
        }
    }

    private static Thread drain(String name, InputStream in, java.util.function.Consumer<String> lines, StringBuilder tail) {
        Thread t = new Thread(() -> {
            try (var r = new java.io.BufferedReader(new java.io.InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (lines != null) {
                        lines.accept(line);
                    }
                    if (tail != null) {
                        synchronized (tail) {
                            tail.append(line).append('\n');
                            if (tail.length() > TAIL) {
                                tail.delete(0, tail.length() - TAIL);
                            }
                        }
                    }
                }
            } catch (IOException ignored) {
                // process ended
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return t;
    }
}
