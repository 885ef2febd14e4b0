package io.pgvault.faults;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Every log record of the JVM while a test runs, as text (message with its parameters, and the whole thrown
 * exception with its causes and stack): a handler on the root logger, which JBoss LogManager routes every
 * logging API (JBoss Logging, JUL, the Azure SDK's SLF4J) through.
 */
final class LogCapture extends Handler {

    private final List<String> lines = new ArrayList<>();

    static LogCapture install() {
        LogCapture c = new LogCapture();
        c.setLevel(java.util.logging.Level.ALL);
        Logger.getLogger("").addHandler(c);
        return c;
    }

    void uninstall() {
        Logger.getLogger("").removeHandler(this);
    }

    @Override
    public synchronized void publish(LogRecord r) {
        StringBuilder sb = new StringBuilder().append(r.getLevel()).append(' ').append(r.getLoggerName()).append(": ");
        String msg = r.getMessage();
        Object[] params = r.getParameters();
        sb.append(msg);
        if (params != null) {
            for (Object p : params) {
                sb.append(" | ").append(p);
            }
        }
        if (r instanceof org.jboss.logmanager.ExtLogRecord ext) {
            sb.append(" => ").append(ext.getFormattedMessage());
        }
        if (r.getThrown() != null) {
            StringWriter w = new StringWriter();
            r.getThrown().printStackTrace(new PrintWriter(w));
            sb.append('\n').append(w);
        }
        lines.add(sb.toString());
    }

    synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    /** The captured records joined, for greps. */
    synchronized String text() {
        return String.join("\n", lines);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
