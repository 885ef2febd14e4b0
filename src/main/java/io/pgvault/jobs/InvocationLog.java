package io.pgvault.jobs;

import org.jboss.logmanager.ExtLogRecord;

import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.LogManager;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Copies every pgvault log line written for a function invocation to the invocation's logger
 * (ExecutionContext.getLogger()), with the job's fields in the text. Why: under the Azure Functions Java worker,
 * pgvault's own lines go through plain java.util.logging to stderr, which the host stores as console lines of no
 * invocation, with no MDC; lines of the invocation logger are stored as invocation logs (with the InvocationId
 * dimension), and the fields in the text make server and job id parseable in KQL. A handler on the
 * {@code io.pgvault} category, so lines from worker threads wrapped by {@link JobContext#wrap} are copied too.
 */
final class InvocationLog extends Handler {

    /** Held strongly: java.util.logging keeps loggers only weakly, and the handler must stay. */
    private static final Logger CATEGORY = Logger.getLogger("io.pgvault");
    private static volatile boolean installed;

    private InvocationLog() {
        setLevel(Level.ALL);
    }

    /**
     * Installs the handler once per JVM; under plain java.util.logging (the Functions worker: no MDC) the root
     * handlers' formatters also get the fields, so console lines of jobs without an invocation (HTTP-started
     * restores and verifies) carry them too.
     */
    static synchronized void install() {
        if (!installed) {
            CATEGORY.addHandler(new InvocationLog());
            if (!LogManager.getLogManager().getClass().getName().startsWith("org.jboss.logmanager")) {
                for (Handler h : Logger.getLogger("").getHandlers()) {
                    if (h.getFormatter() != null && !(h.getFormatter() instanceof FieldsFormatter)) {
                        h.setFormatter(new FieldsFormatter(h.getFormatter()));
                    }
                }
            }
            installed = true;
        }
    }

    /** A formatter that puts the thread's job fields before the message, then formats as before. */
    static final class FieldsFormatter extends Formatter {
        private final Formatter inner;

        FieldsFormatter(Formatter inner) {
            this.inner = inner;
        }

        @Override
        public String format(LogRecord r) {
            JobContext.Fields f = JobContext.current();
            if (f == null) {
                return inner.format(r);
            }
            LogRecord copy = new LogRecord(r.getLevel(), f.text() + " " + message(r));
            copy.setLoggerName(r.getLoggerName());
            copy.setThrown(r.getThrown());
            copy.setInstant(r.getInstant());
            copy.setSourceClassName(r.getSourceClassName());
            copy.setSourceMethodName(r.getSourceMethodName());
            return inner.format(copy);
        }
    }

    @Override
    public void publish(LogRecord r) {
        JobContext.Fields f = JobContext.current();
        if (f == null || f.log() == null || !f.log().isLoggable(r.getLevel())) {
            return;
        }
        // Formatted here: the host would show the invocation logger's {0} placeholders unformatted.
        String text = f.text() + " " + message(r);
        f.log().log(r.getLevel(), r.getThrown() == null ? text : text + " (" + r.getThrown().getClass().getSimpleName() + ")");
    }

    /** The record's message with its parameters (JBoss Logging's printf-style records format themselves). */
    static String message(LogRecord r) {
        return r instanceof ExtLogRecord ext ? ext.getFormattedMessage() : new SimpleFormatter().formatMessage(r);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
