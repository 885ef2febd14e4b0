package io.pgvault.testing;

import org.jboss.logmanager.ExtLogRecord;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Every log record of the JVM while installed, as text a test can grep: a handler on the root logger, which JBoss
 * LogManager routes every logging API through (JBoss Logging, JUL, the Azure SDK's SLF4J). Each record keeps its
 * raw message, each parameter, the formatted message and the whole thrown exception with causes and stack, so a
 * secret is found whichever of them carries it; {@link #records()} keeps each record's thread and MDC. Lowers the given categories' levels while installed.
 */
public final class LogCapture extends Handler implements AutoCloseable {

    private final List<String> lines = new ArrayList<>();
    private final List<Captured> records = new ArrayList<>();

    /**
     * One record as structured data: its category, the thread that logged it, the formatted message and the MDC
     * (the structured fields) as they were on that thread when it logged.
     */
    public record Captured(Level level, String logger, String thread, String message, Map<String, String> mdc) {
    }
    private final Map<Logger, Level> previous = new HashMap<>();
    private final Logger root = Logger.getLogger("");

    /** Captures at the categories' current levels. */
    public LogCapture() {
        this(null);
    }

    /** Captures with {@code categories} set to {@code level}. */
    public LogCapture(Level level, String... categories) {
        setLevel(Level.ALL);
        for (String category : categories) {
            Logger l = Logger.getLogger(category);
            previous.put(l, l.getLevel());
            l.setLevel(level);
        }
        root.addHandler(this);
    }

    @Override
    public synchronized void publish(LogRecord r) {
        StringBuilder sb = new StringBuilder().append(r.getLevel()).append(" [").append(r.getLoggerName()).append("] ")
                .append(r instanceof ExtLogRecord ext ? ext.getFormattedMessage() : new SimpleFormatter().formatMessage(r));
        if (r.getParameters() != null && r.getParameters().length > 0) {
            sb.append(" | raw: ").append(r.getMessage());
            for (Object p : r.getParameters()) {
                sb.append(" | ").append(p);
            }
        }
        if (r.getThrown() != null) {
            StringWriter w = new StringWriter();
            r.getThrown().printStackTrace(new PrintWriter(w));
            sb.append('\n').append(w);
        }
        lines.add(sb.toString());
        String message = r instanceof ExtLogRecord ext ? ext.getFormattedMessage() : new SimpleFormatter().formatMessage(r);
        records.add(new Captured(r.getLevel(), r.getLoggerName(), r instanceof ExtLogRecord ext ? ext.getThreadName()
                : Thread.currentThread().getName(), message, r instanceof ExtLogRecord ext ? Map.copyOf(ext.getMdcCopy()) : Map.of()));
    }

    /** Every record captured so far, with its fields. */
    public synchronized List<Captured> records() {
        return List.copyOf(records);
    }

    public synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    /** The captured records joined, for greps. */
    public synchronized String text() {
        return String.join("\n", lines);
    }

    @Override
    public void flush() {
    }

    /** Removes the handler and restores the categories' levels. */
    @Override
    public void close() {
        root.removeHandler(this);
        previous.forEach(Logger::setLevel);
    }
}
