import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The class-data-sharing training run of the Functions image (Dockerfile; docs/performance.md, "Class-data sharing").
 * Run by the image's own JVM in the java launcher's source-file mode, so that its class path is exactly the Java
 * worker's jar — the class path the worker's JVM has at run time, which the archive must match:
 * <pre>
 *   java [worker's JVM options] -XX:ArchiveClassesAtExit=ARCHIVE -cp WORKER_JAR WorkerTraining.java APP_DIR LIST [JAR...]
 * </pre>
 * It loads the function app as the worker does — one class loader over APP_DIR's jars, APP_DIR/lib/ and the given
 * extra jars (the worker's functions library), its parent the system class loader; the app's middlewares and its
 * FunctionInstanceInjector through ServiceLoader — asks the injector for an instance of every function class named by
 * APP_DIR/&lowast;/function.json (which starts Quarkus), then loads, without initializing, every class LIST names (the
 * classes real backups and restores load: src/main/cds/classes.txt). The JVM writes the archive at exit; a class
 * defined by a class loader of the app is used from it when the worker's loader defines the same class bytes.
 * Plain JDK and reflection only: nothing here is compiled against the worker or the app.
 */
public final class WorkerTraining {

    private static final Pattern ENTRY_POINT = Pattern.compile("\"entryPoint\"\\s*:\\s*\"([\\w.$]+)\\.\\w+\"");

    private WorkerTraining() {
    }

    public static void main(String[] args) throws Exception {
        Path app = Path.of(args[0]);
        List<URL> urls = jars(app);
        urls.addAll(jars(app.resolve("lib")));
        for (int i = 2; i < args.length; i++) {
            urls.add(Path.of(args[i]).toUri().toURL());
        }
        URLClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new)); // the worker's: parent = system loader
        Thread.currentThread().setContextClassLoader(loader);
        ClassLoader system = ClassLoader.getSystemClassLoader();
        instances(system.loadClass("com.microsoft.azure.functions.internal.spi.middleware.Middleware"), loader);
        Class<?> injectorType = system.loadClass("com.microsoft.azure.functions.spi.inject.FunctionInstanceInjector");
        Object injector = instances(injectorType, loader).get(0);
        Method getInstance = injectorType.getMethod("getInstance", Class.class);
        int functions = 0;
        for (String name : functionClasses(app)) {
            getInstance.invoke(injector, loader.loadClass(name));
            functions++;
        }
        int loaded = 0;
        List<String> names = Files.readAllLines(Path.of(args[1]));
        for (String name : names) {
            if (!name.isBlank() && !name.startsWith("#") && load(name.strip(), loader)) {
                loaded++;
            }
        }
        System.out.println("pgvault worker training: " + functions + " function instances, " + loaded
                + " listed classes loaded");
        System.exit(0); // the app's threads stay; the archive is written at exit
    }

    private static List<Object> instances(Class<?> service, ClassLoader loader) {
        List<Object> found = new ArrayList<>();
        ServiceLoader.load(service, loader).forEach(found::add);
        if (found.isEmpty()) {
            throw new IllegalStateException("the app provides no " + service.getName());
        }
        return found;
    }

    private static List<String> functionClasses(Path app) throws IOException {
        List<String> classes = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(app)) {
            for (Path json : dirs.map(d -> d.resolve("function.json")).filter(Files::isRegularFile).sorted().toList()) {
                Matcher m = ENTRY_POINT.matcher(Files.readString(json));
                if (m.find() && !classes.contains(m.group(1))) {
                    classes.add(m.group(1));
                }
            }
        }
        if (classes.isEmpty()) {
            throw new IllegalStateException("no */function.json with an entryPoint in " + app);
        }
        return classes;
    }

    /**
     * Loads a class without initializing it, then links it: the JVM archives a class of a user-defined class loader
     * only if it was linked ("Not linked" otherwise), and asking for its constructors links it (HotSpot links a class
     * before it reflects on its members) without running its static initializer.
     */
    private static boolean load(String name, ClassLoader loader) {
        try {
            Class.forName(name, false, loader).getDeclaredConstructors();
            return true;
        } catch (ClassNotFoundException | LinkageError | SecurityException e) {
            return false; // renamed or removed since the list was made, or not linkable alone: the archive lacks it
        }
    }

    private static List<URL> jars(Path dir) throws IOException {
        List<URL> urls = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path jar : files.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
                urls.add(jar.toUri().toURL());
            }
        }
        return urls;
    }
}
