package io.pgvault.backup;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.internal.spi.middleware.Middleware;
import com.microsoft.azure.functions.internal.spi.middleware.MiddlewareChain;
import com.microsoft.azure.functions.internal.spi.middleware.MiddlewareContext;
import com.microsoft.azure.functions.spi.inject.FunctionInstanceInjector;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.UUID;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * The child JVM of {@link WorkerLoadIT}: loads the packaged app as the Azure Functions Java worker does — its own
 * class path holds only the worker's SPI and the functions library, the app gets a class loader over the runner
 * jar and {@code lib/}, and the app's {@link FunctionInstanceInjector} and {@link Middleware}s are found through
 * {@link ServiceLoader} — then invokes {@code WeeklyBackupFunction} through the middleware chain, the instance
 * taken from the injector. One case per argument {@code property=value}: the
 * property is set (as the worker's app settings are, ahead of every other source), a fresh class loader starts
 * Quarkus once, and the outcome is printed as {@code CASE}, {@code INSTANCE}, {@code RESULT} and {@code LOG} lines.
 * Uses only the JDK, the SPI and the library (no pgvault or Quarkus class is visible here).
 */
public final class WorkerLoadMain {

    private WorkerLoadMain() {
    }

    public static void main(String[] args) throws Exception {
        URL[] app = appClassPath(Path.of(args[0]));
        for (int i = 1; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            System.setProperty(kv[0], kv[1]);
            try {
                runCase(app, args[i]);
            } finally {
                System.clearProperty(kv[0]);
            }
        }
        System.out.println("DONE");
        System.out.flush();
        System.exit(0); // each case leaves its Quarkus' threads behind; the worker would keep one app for its life
    }

    /** The runner jar and every jar of lib/, as the worker's class loader sees the app. */
    static URL[] appClassPath(Path dir) throws IOException {
        List<URL> urls = new ArrayList<>();
        for (Path folder : List.of(dir, dir.resolve("lib"))) {
            try (Stream<Path> jars = Files.list(folder)) {
                for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
                    urls.add(jar.toUri().toURL());
                }
            }
        }
        return urls.toArray(URL[]::new);
    }

    static void runCase(URL[] app, String setting) {
        System.out.println("CASE " + setting);
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        try (URLClassLoader loader = new URLClassLoader("pgvault-app", app, WorkerLoadMain.class.getClassLoader())) {
            Thread.currentThread().setContextClassLoader(loader);
            try {
                FunctionInstanceInjector injector = ServiceLoader.load(FunctionInstanceInjector.class, loader)
                        .findFirst().orElseThrow(() -> new IllegalStateException("no FunctionInstanceInjector"));
                Class<?> function = loader.loadClass("io.pgvault.backup.WeeklyBackupFunction");
                invoke(loader, injector, function);
            } finally {
                stopQuarkus(loader);
            }
        } catch (Throwable t) { // an Error too: the worker's ServiceConfigurationError is what this test is about
            System.out.println("LOAD-FAILED " + t);
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }

    /**
     * One invocation as the worker runs it: the app's middlewares (found through ServiceLoader; Quarkus' activates
     * the request context the function bean lives in), then, last in the chain, the instance from the injector and
     * the call of the function method.
     */
    private static void invoke(ClassLoader loader, FunctionInstanceInjector injector, Class<?> function)
            throws Exception {
        InvocationContext context = new InvocationContext("weeklyBackup");
        List<Middleware> middlewares = ServiceLoader.load(Middleware.class, loader).stream()
                .map(ServiceLoader.Provider::get).toList();
        Method run = function.getMethod("run", String.class, ExecutionContext.class);
        MiddlewareChain chain = new MiddlewareChain() {
            private int next;

            @Override
            public void doNext(MiddlewareContext c) throws Exception {
                if (next < middlewares.size()) {
                    middlewares.get(next++).invoke(c, this);
                    return;
                }
                Object instance = injector.getInstance(function);
                long instanceAt = sinceJvmStart();
                System.out.println("INSTANCE " + function.getName() + " (" + instance.getClass().getSimpleName() + ")");
                try {
                    run.invoke(instance, "{\"isPastDue\":false}", c);
                } finally {
                    System.out.println("TIMING instance " + instanceAt + " ms, invocation ended " + sinceJvmStart()
                            + " ms after the JVM's start");
                }
            }
        };
        try {
            chain.doNext(context);
            System.out.println("RESULT succeeded");
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            System.out.println("RESULT failed " + cause.getClass().getName() + ": " + oneLine(cause.getMessage()));
        }
        context.lines.forEach(line -> System.out.println("LOG " + line));
    }

    /** Stops this loader's Quarkus, so the next case starts its own in a clean JVM state. */
    private static void stopQuarkus(ClassLoader loader) {
        try {
            Object application = loader.loadClass("io.quarkus.runtime.Application").getMethod("currentApplication")
                    .invoke(null);
            if (application != null) {
                application.getClass().getMethod("stop").invoke(application);
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            System.out.println("STOP-FAILED " + e);
        }
    }

    /** Milliseconds since this JVM's process started (the OS's start time: 10 ms steps on Linux). */
    static long sinceJvmStart() {
        return ProcessHandle.current().info().startInstant()
                .map(start -> java.time.Duration.between(start, java.time.Instant.now()).toMillis()).orElse(-1L);
    }

    static String oneLine(String s) {
        return s == null ? "" : s.replace("\n", " | ");
    }

    /**
     * The worker's invocation context (an ExecutionContext, as the function receives it), as a small test
     * implementation: it keeps the invocation's log lines.
     */
    static final class InvocationContext implements MiddlewareContext {

        final List<String> lines = new ArrayList<>();
        private final String name;
        private final String invocationId = UUID.randomUUID().toString();
        private final Logger logger;

        InvocationContext(String name) {
            this.name = name;
            this.logger = Logger.getLogger("invocation." + invocationId);
            logger.setUseParentHandlers(false);
            logger.addHandler(new Handler() {
                @Override
                public void publish(LogRecord r) {
                    lines.add(r.getLevel() + " " + oneLine(r.getMessage()));
                }

                @Override
                public void flush() {
                }

                @Override
                public void close() {
                }
            });
        }

        @Override
        public Logger getLogger() {
            return logger;
        }

        @Override
        public String getInvocationId() {
            return invocationId;
        }

        @Override
        public String getFunctionName() {
            return name;
        }

        @Override
        public String getParameterName(String annotation) {
            return null;
        }

        @Override
        public Object getParameterValue(String name) {
            return null;
        }

        @Override
        public void updateParameterValue(String name, Object value) {
        }

        @Override
        public Object getReturnValue() {
            return null;
        }

        @Override
        public void updateReturnValue(Object value) {
        }
    }
}
