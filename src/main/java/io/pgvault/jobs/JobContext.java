package io.pgvault.jobs;

import org.jboss.logging.MDC;

import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The job a thread works for: server, job id and (in Azure) the Functions invocation id, as structured log fields.
 * A scope sets them in the logging MDC ({@value #SERVER}, {@value #JOB}, {@value #INVOCATION}; the console format
 * shows them) and in a thread-local that {@link InvocationLog} reads, because under the Azure Functions Java worker
 * JBoss LogManager is not the JVM's log manager and plain java.util.logging records carry no MDC. Work handed to
 * another thread (dump pools, pumps, pollers) is wrapped with {@link #wrap} so its lines carry the same fields.
 */
public final class JobContext {

    /** MDC key of the server. */
    public static final String SERVER = "pgvault.server";
    /** MDC key of the job id. */
    public static final String JOB = "pgvault.job";
    /** MDC key of the Functions invocation id. */
    public static final String INVOCATION = "pgvault.invocation";

    private static final ThreadLocal<Fields> CURRENT = new ThreadLocal<>();

    private JobContext() {
    }

    /**
     * The fields of the current thread; {@code log} is the invocation's logger (ExecutionContext.getLogger()), whose
     * lines the Functions host stores as invocation logs, or null outside a function invocation.
     */
    public record Fields(String server, String jobId, String invocationId, Logger log) {

        /** The fields as text in a line: {@code [pgvault server=a job=b invocation=c]} (KQL: parse or extract). */
        public String text() {
            return "[pgvault server=" + dash(server) + " job=" + dash(jobId) + " invocation=" + dash(invocationId) + "]";
        }

        private static String dash(String s) {
            return s == null ? "-" : s;
        }
    }

    /** A scope that puts back what the thread had before it when closed. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    /** The current thread's fields, or null. */
    public static Fields current() {
        return CURRENT.get();
    }

    /** The scope of a function invocation: its id and logger, kept for every job the invocation runs. */
    public static Scope invocation(String invocationId, Logger log) {
        InvocationLog.install();
        Fields f = CURRENT.get();
        return enter(new Fields(f == null ? null : f.server(), f == null ? null : f.jobId(), invocationId, log));
    }

    /** The scope of a job on this thread: its server and id, with the invocation the thread already has. */
    public static Scope job(String server, String jobId) {
        InvocationLog.install();
        Fields f = CURRENT.get();
        return enter(new Fields(server, jobId, f == null ? null : f.invocationId(), f == null ? null : f.log()));
    }

    /** {@code task}, run with the fields the calling thread has now (for pools and helper threads). */
    public static Runnable wrap(Runnable task) {
        Fields f = CURRENT.get();
        return f == null ? task : () -> {
            try (Scope s = enter(f)) {
                task.run();
            }
        };
    }

    /** {@code task}, run with the fields the calling thread has now. */
    public static <T> Callable<T> wrap(Callable<T> task) {
        Fields f = CURRENT.get();
        return f == null ? task : () -> {
            try (Scope s = enter(f)) {
                return task.call();
            }
        };
    }

    /** {@code task}, run with the fields the calling thread has now. */
    public static <T> Supplier<T> wrapSupplier(Supplier<T> task) {
        Fields f = CURRENT.get();
        return f == null ? task : () -> {
            try (Scope s = enter(f)) {
                return task.get();
            }
        };
    }

    private static Scope enter(Fields next) {
        Fields before = CURRENT.get();
        set(next);
        return () -> set(before);
    }

    private static void set(Fields f) {
        if (f == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(f);
        }
        put(SERVER, f == null ? null : f.server());
        put(JOB, f == null ? null : f.jobId());
        put(INVOCATION, f == null ? null : f.invocationId());
    }

    private static void put(String key, String value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }
}
