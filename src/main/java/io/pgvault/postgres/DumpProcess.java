package io.pgvault.postgres;

import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import io.pgvault.errors.Redactor;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs pg_dump or pg_dumpall and pumps its stdout into a stream, with no temp file. stderr is drained on its
 * own thread into a bounded tail (so a chatty tool cannot block or grow memory) and becomes the evidence of
 * a failure. A run past its timeout is killed.
 */
public final class DumpProcess {

    private static final int PUMP_BUFFER = 1 << 20;
    private static final int STDERR_TAIL = 16 * 1024;

    private DumpProcess() {
    }

    /**
     * Runs {@code pb} and writes its stdout to {@code out}.
     *
     * @param what     what is being dumped, for messages (e.g. {@code database "sales"})
     * @param progress told the running byte count, about once per MiB
     * @param onStart  told the started process, so a failing backup can stop its other dumps
     * @return bytes the tool wrote
     */
    public static long run(ProcessBuilder pb, String what, OutputStream out, Duration timeout, LongConsumer progress,
            java.util.function.Consumer<Process> onStart) {
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process p = start(pb, what);
        StderrTail stderr = new StderrTail(p.getErrorStream());
        stderr.start();
        long deadline = System.nanoTime() + timeout.toNanos();
        Thread watchdog = watchdog(p, deadline);
        onStart.accept(p);
        long total;
        try {
            total = pump(p, what, out, progress);
        } finally {
            watchdog.interrupt();
        }
        int exit = waitQuietly(p);
        stderr.awaitEnd();
        if (exit != 0) {
            throw failed(pb, what, exit, System.nanoTime() > deadline, timeout, stderr.tail());
        }
        return total;
    }

    private static Process start(ProcessBuilder pb, String what) {
        try {
            return pb.start();
        } catch (IOException e) {
            throw new PgvaultException(ErrorKind.DUMP_FAILED, "Could not start " + pb.command().get(0) + " for " + what + ".",
                    e.getMessage(), "Check that the PostgreSQL client is installed (PGVAULT_PG_BIN_DIR).", e);
        }
    }

    /** Kills the tool when it runs past {@code deadline} (System.nanoTime); interrupt it when the dump ended first. */
    private static Thread watchdog(Process p, long deadline) {
        Thread watchdog = new Thread(() -> {
            try {
                if (!p.waitFor(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException ignored) {
                // the dump ended first
            }
        }, "pgvault-dump-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        return watchdog;
    }

    /** Copies the tool's stdout to {@code out}; returns the bytes copied. A failed write kills the tool. */
    private static long pump(Process p, String what, OutputStream out, LongConsumer progress) {
        long total = 0;
        try (InputStream in = p.getInputStream()) {
            byte[] buf = new byte[PUMP_BUFFER];
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
                total += n;
                progress.accept(total);
            }
        } catch (IOException e) {
            p.destroyForcibly();
            waitQuietly(p);
            throw new PgvaultException(ErrorKind.DUMP_FAILED, "Streaming " + what + " into the vault failed after " + total + " bytes.",
                    e.getMessage(), "Check the vault's availability; the backup was not committed and can be rerun.", e);
        }
        return total;
    }

    /** The error of a tool that exited non-zero: killed by the timeout, by a signal, or failed on its own. */
    private static PgvaultException failed(ProcessBuilder pb, String what, int exit, boolean timedOut, Duration timeout,
            String tail) {
        String signal = timedOut ? null : signalOf(exit);
        return new PgvaultException(ErrorKind.DUMP_FAILED,
                pb.command().get(0).replaceAll(".*/", "") + " failed for " + what
                        + (timedOut ? " (killed after the timeout of " + timeout + ")" : "")
                        + (signal != null ? " (killed by signal " + signal + ")" : "") + ", exit code " + exit + ".",
                tail.isBlank() ? "(no output on stderr)" : "stderr: " + Redactor.redact(tail.strip()),
                signal != null ? "Something outside pgvault killed the tool (the out-of-memory killer, an operator, "
                        + "or the host shutting down): check the host's memory and logs, then run the backup again."
                        : hintFor(tail, timedOut, pb.environment().get("PGUSER")));
    }

    /** pg_dump's message for a large object it may not read, e.g. {@code permission denied for large object 16400}. */
    private static final Pattern LARGE_OBJECT = Pattern.compile("permission denied for large object (\\d+)");

    /** The HINT for a failed tool's stderr; {@code role} is the login role (PGUSER), named in the SQL of the fix. */
    static String hintFor(String stderr, boolean timedOut, String role) {
        String s = stderr.toLowerCase();
        if (timedOut) {
            return "Raise PGVAULT_BACKUP_TIMEOUT (and the host's functionTimeout), or check what blocks the dump "
                    + "(pg_stat_activity: locks held by other sessions).";
        }
        if (s.contains("password authentication failed") || s.contains("no password supplied")) {
            return "Check PGVAULT_PG_USER and PGVAULT_PG_PASSWORD (or PGVAULT_PG_AUTH=entra and the identity's role).";
        }
        if (s.contains("server version") && s.contains("mismatch")) {
            return "Install a pg_dump whose major version is at least the server's, and point PGVAULT_PG_BIN_DIR at it.";
        }
        // pg_dump enforces --lock-wait-timeout with a statement_timeout around its LOCK TABLE statements.
        if (s.contains("could not obtain lock") || (s.contains("statement timeout") && s.contains("lock table"))) {
            return "Another session holds a conflicting lock (ALTER TABLE, VACUUM FULL, ...): let it finish, or raise "
                    + "PGVAULT_BACKUP_LOCK_WAIT_TIMEOUT, then run the backup again.";
        }
        if (s.contains("row-level security")) {
            return DumpHints.rowSecurity(role);
        }
        Matcher lo = LARGE_OBJECT.matcher(stderr);
        if (lo.find()) {
            return DumpHints.largeObject(lo.group(1), role);
        }
        if (s.contains("permission denied")) {
            return DumpHints.permissionDenied(role);
        }
        if (s.contains("does not exist")) {
            return "The database was dropped while the backup ran; run the backup again.";
        }
        if (s.contains("terminating connection") || s.contains("server closed the connection")
                || s.contains("connection to server")) {
            return "The server closed the connection (restart, failover or pg_terminate_backend); run the backup again.";
        }
        return "Read the tool's message above; fix the cause on the server and run the backup again.";
    }

    /**
     * The signal that ended a process, from its exit value (the JDK reports 128 + the signal number on Unix), or
     * null for a normal exit: pg_dump and pg_dumpall exit with 0 or 1 themselves.
     */
    static String signalOf(int exit) {
        if (exit <= 128 || exit > 128 + 64) {
            return null;
        }
        int sig = exit - 128;
        String name = switch (sig) {
            case 2 -> "SIGINT";
            case 6 -> "SIGABRT";
            case 9 -> "SIGKILL";
            case 11 -> "SIGSEGV";
            case 13 -> "SIGPIPE";
            case 15 -> "SIGTERM";
            default -> null;
        };
        return sig + (name == null ? "" : " " + name);
    }

    private static int waitQuietly(Process p) {
        try {
            return p.waitFor();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Keeps the last bytes of a process's stderr. */
    private static final class StderrTail extends Thread {
        private final InputStream in;
        private final byte[] ring = new byte[STDERR_TAIL];
        private long written;

        StderrTail(InputStream in) {
            super("pgvault-stderr");
            setDaemon(true);
            this.in = in;
        }

        @Override
        public void run() {
            byte[] buf = new byte[4096];
            int n;
            try {
                while ((n = in.read(buf)) >= 0) {
                    synchronized (this) {
                        for (int i = 0; i < n; i++) {
                            ring[(int) (written++ % ring.length)] = buf[i];
                        }
                    }
                }
            } catch (IOException ignored) {
                // process ended
            }
        }

        synchronized String tail() {
            int len = (int) Math.min(written, ring.length);
            byte[] out = new byte[len];
            long start = written - len;
            for (int i = 0; i < len; i++) {
                out[i] = ring[(int) ((start + i) % ring.length)];
            }
            return new String(out, StandardCharsets.UTF_8);
        }

        void awaitEnd() {
            try {
                join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
