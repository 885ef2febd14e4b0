package io.pgvault.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 18: the class-data-sharing archive that {@code mvn package} writes (target/app-cds.jsa, pom.xml's training
 * run) holds what a real command loads, and the committed class list it is trained with has not gone stale. Runs in
 * failsafe after {@code package}, against the real services of scripts/services.sh (a real backup through
 * {@code bin/pgvault}).
 */
class CdsArchiveIT {

    static final Path ROOT = Path.of("").toAbsolutePath();
    static final Path TARGET = ROOT.resolve("target");
    static final Path LIST = ROOT.resolve("src/main/cds/classes.txt");

    /** The packages whose classes a backup loads and Quarkus' own start-up never did. */
    static final List<String> LOADED_BY_COMMANDS = List.of("com.azure.storage.blob.", "com.azure.core.", "io.netty.",
            "reactor.", "com.fasterxml.jackson.", "org.postgresql.", "com.github.luben.zstd.", "io.pgvault.backup.",
            "io.pgvault.vault.");

    /**
     * At least 95 % of the list's names load from the packaged app (the runner jar and lib/, as bin/pgvault runs it):
     * a rename sweep or a replaced dependency that leaves the list stale fails here, not silently in the archive.
     */
    @Test
    void theCommittedClassListStillNamesTheAppsClasses() throws IOException {
        List<String> names = CdsTraining.readList(LIST);
        assertTrue(names.size() > 3000, "the list names the classes real commands load: " + names.size());
        try (URLClassLoader app = new URLClassLoader(packagedJars(), ClassLoader.getPlatformClassLoader())) {
            int loaded = CdsTraining.load(names, app);
            assertTrue(loaded >= names.size() * 0.95, loaded + " of " + names.size() + " listed classes load; run"
                    + " scripts/cds-classes.sh to renew src/main/cds/classes.txt");
        }
    }

    /**
     * A real {@code bin/pgvault backup} (into a vault container of its own) maps the storage SDK, Netty, reactor,
     * Jackson, the JDBC driver, zstd-jni and pgvault's backup classes from the archive: for each package, at least
     * 90 % of the classes it loaded came from the archive ("shared objects file (top)") rather than from a jar.
     */
    @Test
    void aRealBackupTakesWhatItLoadsFromTheArchive() throws Exception {
        assertTrue(Files.isRegularFile(TARGET.resolve("app-cds.jsa")), "mvn package wrote target/app-cds.jsa");
        Files.createDirectories(TARGET.resolve("failsafe-reports"));
        Path log = TARGET.resolve("failsafe-reports/CdsArchiveIT-class-load.txt"); // a report beside the others, not in /tmp
        Files.deleteIfExists(log);
        ProcessBuilder pb = new ProcessBuilder(ROOT.resolve("bin/pgvault").toString(), "backup")
                .redirectErrorStream(true).redirectOutput(TARGET.resolve("failsafe-reports/CdsArchiveIT-backup.txt").toFile());
        pb.environment().put("PGVAULT_VAULT_CONTAINER", "cds-archive-it-" + System.currentTimeMillis());
        pb.environment().put("PGVAULT_JAVA_OPTS", "-Xlog:class+load:file=" + log);
        pb.environment().remove("PGVAULT_NO_CDS");
        Process backup = pb.start();
        backup.getOutputStream().close();
        assertTrue(backup.waitFor(5, TimeUnit.MINUTES), "the backup ended");
        String out = Files.readString(TARGET.resolve("failsafe-reports/CdsArchiveIT-backup.txt"));
        assertEquals(0, backup.exitValue(), out);
        Map<String, int[]> byPackage = sharedAndParsed(Files.readAllLines(log));
        System.out.println("CdsArchiveIT: package -> [from the archive, from jars]");
        byPackage.forEach((p, n) -> System.out.println("  " + p + " " + n[0] + " " + n[1]));
        for (String p : LOADED_BY_COMMANDS) {
            int[] n = byPackage.get(p);
            assertTrue(n[0] + n[1] > 0, "the backup loaded classes of " + p);
            assertTrue(n[0] >= 0.9 * (n[0] + n[1]), p + ": " + n[0] + " classes from the archive, " + n[1]
                    + " parsed from jars");
        }
    }

    /**
     * Per package prefix: how many classes came from the archive's top (dynamic) layer and how many were parsed from
     * jars. Lambda and other hidden classes are made at run time either way and are not counted.
     */
    static Map<String, int[]> sharedAndParsed(List<String> classLoadLines) {
        Map<String, int[]> counts = new LinkedHashMap<>();
        LOADED_BY_COMMANDS.forEach(p -> counts.put(p, new int[2]));
        for (String line : classLoadLines) {
            String[] parts = line.split(" ");
            int at = line.indexOf("[class,load] ");
            if (at < 0 || parts.length < 3) {
                continue;
            }
            String name = line.substring(at + 13).split(" ")[0];
            boolean shared = line.contains("source: shared objects file (top)");
            boolean parsed = line.contains("source: file:") || line.contains("source: jar:");
            for (String p : LOADED_BY_COMMANDS) {
                if (name.startsWith(p) && (shared || parsed)) { // lambdas and other hidden classes count neither way
                    counts.get(p)[shared ? 0 : 1]++;
                }
            }
        }
        return counts;
    }

    static URL[] packagedJars() throws IOException {
        List<URL> urls = new ArrayList<>();
        try (Stream<Path> runner = Files.list(TARGET); Stream<Path> lib = Files.list(TARGET.resolve("lib"))) {
            for (Path jar : Stream.concat(runner.filter(p -> p.getFileName().toString().matches("pgvault-.*-runner\\.jar")),
                    lib.filter(p -> p.toString().endsWith(".jar"))).toList()) {
                urls.add(jar.toUri().toURL());
            }
        }
        assertTrue(urls.size() > 10, "mvn package wrote the runner jar and lib/: " + urls);
        return urls.toArray(URL[]::new);
    }
}
