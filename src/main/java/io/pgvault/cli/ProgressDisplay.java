package io.pgvault.cli;

import io.pgvault.jobs.LiveMeters;
import io.pgvault.matrix.Units;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The live progress block of a command on a terminal: one line per running item ({@link LiveMeters}) with bytes
 * done, rate, elapsed and — where the total is known — percent and ETA, redrawn four times a second by its own
 * daemon thread; a finished item leaves one permanent line. The work never waits for it: it only reads counters.
 * While it runs, pgvault's INFO log lines (what a non-terminal run prints instead) are held back; warnings still
 * print. A small renderer (two ANSI sequences) rather than a library: me.tongfei:progressbar is not among the
 * project's dependencies and draws one bar per task; JLine would add a terminal layer for the same two sequences.
 * Commands get one through {@link OutputOptions#progress()}.
 */
final class ProgressDisplay implements OutputOptions.Progress {

    static final long EVERY_MILLIS = 250;
    private static final int MAX_LIVE_LINES = 10;
    private static final String PGVAULT_LOGGER = "io.pgvault";

    private final PrintWriter out;
    private final int width;
    private final ScheduledExecutorService ticker;
    private final Level oldLevel;
    private int drawnLines;

    private ProgressDisplay(PrintWriter out, int width) {
        this.out = out;
        this.width = width;
        Logger pgvault = Logger.getLogger(PGVAULT_LOGGER);
        this.oldLevel = pgvault.getLevel();
        pgvault.setLevel(Level.WARNING);
        LiveMeters.watch(true);
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "pgvault-progress");
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleAtFixedRate(this::safeRender, EVERY_MILLIS, EVERY_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Starts a display on {@code out}; the caller decided that out is a terminal. */
    static ProgressDisplay start(PrintWriter out) {
        return new ProgressDisplay(out, terminalWidth());
    }

    /** Whether this process writes to a terminal that can redraw lines (not cron, CI, a pipe or TERM=dumb). */
    static boolean isTerminal() {
        return System.console() != null && !"dumb".equals(System.getenv("TERM"));
    }

    private static int terminalWidth() {
        try {
            int columns = Integer.parseInt(System.getenv().getOrDefault("COLUMNS", "100"));
            return Math.max(40, columns);
        } catch (NumberFormatException e) {
            return 100;
        }
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        try {
            ticker.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        render(false); // the last finished lines, and the live block wiped
        LiveMeters.watch(false);
        Logger.getLogger(PGVAULT_LOGGER).setLevel(oldLevel);
    }

    private void safeRender() {
        try {
            render(true);
        } catch (RuntimeException e) {
            // a display must never break the work it shows; the next tick tries again
        }
    }

    private synchronized void render(boolean live) {
        StringBuilder lines = new StringBuilder();
        for (LiveMeters.Meter m : LiveMeters.drainFinished()) {
            lines.append(fit(finishedLine(m))).append('\n');
        }
        int liveLines = 0;
        if (live) {
            List<LiveMeters.Meter> running = LiveMeters.active();
            for (LiveMeters.Meter m : running.subList(0, Math.min(MAX_LIVE_LINES, running.size()))) {
                lines.append(fit(liveLine(m))).append('\n');
                liveLines++;
            }
            if (running.size() > MAX_LIVE_LINES) {
                lines.append("  … and ").append(running.size() - MAX_LIVE_LINES).append(" more\n");
                liveLines++;
            }
        }
        if (drawnLines == 0 && lines.length() == 0) {
            return; // nothing drawn, nothing to draw: the terminal is left alone
        }
        // to the start of the block's first line, clear to the end of the screen, draw: finished lines stay above
        String up = drawnLines > 0 ? "\r\033[" + drawnLines + "A" : ""; // VT100: column 0, then n lines up
        out.print(up + "\033[J" + lines);
        out.flush();
        drawnLines = liveLines;
    }

    /** {@code "  app  1.2 GiB of ~3.4 GiB  35%  45.0 MiB/s  1m 12s  ETA 2m 13s"}. */
    static String liveLine(LiveMeters.Meter m) {
        long done = m.bytes();
        Duration elapsed = Duration.ofMillis(m.elapsedMillis());
        long total = m.totalBytes();
        // a meter that counts nothing on the way (a server-side copy, a test restore) shows its elapsed time only
        String bytes = done == 0 && total == 0 ? "…" : Units.bytes(done);
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "  %-24s %10s", m.label(), bytes));
        if (total > 0) {
            sb.append(" of ~").append(Units.bytes(total));
            if (done <= total) {
                sb.append(String.format(Locale.ROOT, "  %3d%%", done * 100 / total));
            }
        }
        String rate = Units.rate(done, elapsed);
        sb.append(rate.isEmpty() ? "" : "  " + rate).append("  ").append(Units.duration(elapsed));
        Duration eta = Units.eta(done, total, elapsed);
        return eta == null ? sb.toString() : sb.append("  ETA ").append(Units.duration(eta)).toString();
    }

    /** {@code "done app  3.1 GiB in 2m 10s, 24.4 MiB/s"}, or FAILED. */
    static String finishedLine(LiveMeters.Meter m) {
        Duration took = Duration.ofMillis(m.elapsedMillis());
        String rate = Units.rate(m.bytes(), took);
        return String.format(Locale.ROOT, "%-6s %-24s %10s in %s", m.isFailed() ? "FAILED" : "done", m.label(),
                Units.bytes(m.bytes()), Units.duration(took)) + (rate.isEmpty() ? "" : ", " + rate);
    }

    private String fit(String line) {
        return line.length() < width ? line : line.substring(0, width - 2) + "…"; // a wrapped line breaks the redraw
    }
}
