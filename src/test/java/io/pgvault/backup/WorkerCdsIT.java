package io.pgvault.backup;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.spi.inject.FunctionInstanceInjector;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 18: the Functions worker's class-data-sharing archive (Dockerfile, docs/performance.md), checked on this
 * machine's Java 17 with the worker emulated as in {@link WorkerLoadIT}: a JVM whose class path is only the worker's
 * SPI and the functions library (and {@link WorkerLoadMain}, in a jar: a class path with a non-empty directory cannot
 * be archived). The Dockerfile's training program (src/main/cds/WorkerTraining.java) runs in source-file mode with
 * that class path and {@code -XX:ArchiveClassesAtExit}, as the image build runs it with the worker's jar; then a JVM
 * with the worker's options and {@code -XX:SharedArchiveFile} loads the packaged app through its own class loader and
 * makes a real backup (into a vault container of its own) through the app's injector and middlewares. Asserted: the
 * backup succeeded, and for the app's own classes, the storage SDK, the JDBC driver, Netty, reactor, Jackson and
 * zstd-jni at least 80 % of the classes the app's class loader defined came from the archive (matched by their bytes),
 * the rest parsed from the jars. A run without the archive is made too, and both runs' TIMING lines are printed (no
 * timing is asserted).
 */
class WorkerCdsIT {

    static final List<String> OPTIONS = List.of("-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1",
            "-Djava.net.preferIPv4Stack=true", "-Xms32m", "-Xmx1g", "-XX:MaxMetaspaceSize=192m",
            "-XX:ReservedCodeCacheSize=64m", "-Xss512k");
    static final List<String> PACKAGES = List.of("io.pgvault.", "com.azure.storage.", "com.azure.core.",
            "org.postgresql.", "io.netty.", "reactor.", "com.fasterxml.jackson.", "com.github.luben.zstd.");
    static final Path REPORTS = Path.of("target", "failsafe-reports");

    @Test
    void theWorkersJvmTakesTheAppsClassesFromTheArchiveTheTrainingWrote() throws Exception {
        assertTrue(Files.isDirectory(WorkerLoadIT.DIR.resolve("lib")), "runs after mvn package");
        Path work = Files.createTempDirectory("pgvault-worker-cds");
        String classPath = childClassPath(work);
        Path archive = work.resolve("worker.jsa");
        List<String> training = command(OPTIONS, "-XX:ArchiveClassesAtExit=" + archive, "-Xlog:cds=error",
                "-Xlog:cds+dynamic=error", "-cp", classPath, Path.of("src/main/cds/WorkerTraining.java").toString(),
                WorkerLoadIT.DIR.toAbsolutePath().toString(), Path.of("src/main/cds/classes.txt").toString());
        String trained = run(training, "training");
        assertTrue(trained.contains("pgvault worker training: 6 function instances"), trained);
        assertTrue(Files.size(archive) > 1_000_000, "the training wrote the archive: " + Files.size(archive));

        Path classLog = work.resolve("class-load.txt");
        String with = run(worker(classPath, "-XX:SharedArchiveFile=" + archive, "-Xshare:auto", "-Xlog:cds=off",
                "-Xlog:cds+dynamic=off", "-Xlog:class+load:file=" + classLog), "with-archive");
        String without = run(worker(classPath, "-Xshare:auto"), "without-archive");
        System.out.println("WorkerCdsIT with the archive: " + timing(with) + "\nWorkerCdsIT without: " + timing(without));
        for (String out : List.of(with, without)) {
            assertTrue(out.contains("INSTANCE io.pgvault.backup.WeeklyBackupFunction"), out);
            assertTrue(out.contains("RESULT succeeded"), out);
        }
        List<String> lines = Files.readAllLines(classLog);
        String appJars = "source: file:" + WorkerLoadIT.DIR.toAbsolutePath();
        for (String p : PACKAGES) {
            long shared = lines.stream().filter(l -> l.contains("] " + p) && l.contains("shared objects file (top)")).count();
            long parsed = lines.stream().filter(l -> l.contains("] " + p) && l.contains(appJars)).count();
            System.out.println("WorkerCdsIT " + p + ": " + shared + " from the archive, " + parsed + " from jars");
            assertTrue(shared + parsed > 0, "the backup loaded classes of " + p);
            assertTrue(shared >= 0.8 * (shared + parsed), p + ": " + shared + " from the archive, " + parsed + " from jars");
        }
    }

    /** The worker's JVM: its options (worker.config.json's, -noverify included) and a real backup's case. */
    static List<String> worker(String classPath, String... extra) {
        List<String> options = new ArrayList<>(OPTIONS);
        options.add("-noverify");
        options.addAll(List.of(extra));
        return command(options, "-cp", classPath, WorkerLoadMain.class.getName(),
                WorkerLoadIT.DIR.toAbsolutePath().toString(), "pgvault.vault.container=worker-cds-it-" + System.nanoTime());
    }

    static List<String> command(List<String> options, String... rest) {
        List<String> c = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        c.addAll(options);
        c.addAll(List.of(rest));
        return c;
    }

    static String run(List<String> command, String name) throws IOException, InterruptedException {
        Files.createDirectories(REPORTS);
        Path out = REPORTS.resolve("WorkerCdsIT-" + name + ".txt");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        p.getOutputStream().close();
        boolean ended = p.waitFor(5, TimeUnit.MINUTES);
        if (!ended) {
            p.destroyForcibly();
        }
        String text = Files.readString(out);
        assertTrue(ended, name + " ended:\n" + text);
        assertEquals(0, p.exitValue(), name + ":\n" + text);
        return text;
    }

    static String timing(String out) {
        return out.lines().filter(l -> l.startsWith("TIMING ")).findFirst().orElse("(no TIMING line)");
    }

    /** WorkerLoadMain's classes in a jar, then the SPI jar and the functions library jars: jars only. */
    static String childClassPath(Path work) throws IOException, URISyntaxException {
        Path classes = Path.of(WorkerLoadMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path jar = work.resolve("worker-emulator.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
             Stream<Path> files = Files.list(classes.resolve("io/pgvault/backup"))) {
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith("WorkerLoadMain")).sorted().toList()) {
                out.putNextEntry(new JarEntry("io/pgvault/backup/" + f.getFileName()));
                copy(f, out);
                out.closeEntry();
            }
        }
        return String.join(File.pathSeparator, jar.toString(), WorkerLoadIT.jarOf(FunctionInstanceInjector.class),
                WorkerLoadIT.jarOf(ExecutionContext.class), WorkerLoadIT.jarOf(FunctionName.class));
    }

    private static void copy(Path f, OutputStream out) throws IOException {
        Files.copy(f, out);
    }
}
