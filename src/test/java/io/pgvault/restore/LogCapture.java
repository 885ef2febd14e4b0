package io.pgvault.restore;

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
 * Captures every log record the app writes (java.util.logging is the JBoss LogManager in Quarkus, which also
 * receives JBoss Logging and the Azure SDK's SLF4J output), formatted with parameters and stack traces, so a
 * test can grep it. Lowers the given categories' levels while installed.
 */
final class LogCapture extends Handler implements AutoCloseable {

    private final List<String> lines = new ArrayList<>();
    private final Map<Logger, Level> previous = new HashMap<>();
    private final Logger root = Logger.getLogger("");

    LogCapture(Level level, String... categories) {
        setLevel(Level.ALL);
        for (String category : categories) {
            Logger l = Logger.getLogger(category);
            previous.put(l, l.getLevel());
            l.setLevel(level);
        }
        root.addHandler(this);
    }

    @Override
    public synchronized void publish(LogRecord record) {
        String message = record instanceof ExtLogRecord ext ? ext.getFormattedMessage()
                : new SimpleFormatter().formatMessage(record);
        StringBuilder sb = new StringBuilder(record.getLevel() + " [" + record.getLoggerName() + "] " + message);
        if (record.getThrown() != null) {
            StringWriter w = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(w));
            sb.append('\n').append(w);
        }
        lines.add(sb.toString());
    }

    synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    synchronized String text() {
        return String.join("\n", lines);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        root.removeHandler(this);
        previous.forEach(Logger::setLevel);
    }
}
