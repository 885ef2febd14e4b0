package io.pgvault.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The package build's class-data-sharing training run (docs/performance.md, "Class-data sharing"): the build starts
 * the CLI once with {@code -XX:ArchiveClassesAtExit} and {@code -Dpgvault-cds.classes=<list>}, and this loads (without
 * initializing) every class the list names — the classes real backups, restores and verifies load (the storage SDK,
 * Netty, reactor, Jackson, the JDBC driver, zstd-jni, the commands) — so that the archive written at exit holds them.
 * Only that property turns it on: a normal run, and the Functions app (which never runs the CLI's main), skip it.
 * A name that no longer exists is skipped: a stale list only costs speed, never a failed build.
 */
final class CdsTraining {

    /** The system property naming the class list (not a pgvault.* name: Quarkus refuses unknown pgvault.* config). */
    static final String PROPERTY = "pgvault-cds.classes";

    private CdsTraining() {
    }

    /** Loads the listed classes when the training property is set; otherwise does nothing. */
    static void loadListedClasses() {
        String list = System.getProperty(PROPERTY);
        if (list == null || list.isBlank()) {
            return;
        }
        int loaded = load(readList(Path.of(list)), CdsTraining.class.getClassLoader());
        System.err.println("pgvault: class-data-sharing training loaded " + loaded + " listed classes");
    }

    static List<String> readList(Path file) {
        try {
            return Files.readAllLines(file).stream().map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("class list " + file, e);
        }
    }

    /** Loads each name without initializing it; returns how many loaded. */
    static int load(List<String> names, ClassLoader loader) {
        int loaded = 0;
        for (String name : names) {
            try {
                Class.forName(name, false, loader);
                loaded++;
            } catch (ClassNotFoundException | LinkageError e) {
                // renamed, removed or not loadable on its own here: the archive just lacks it
            }
        }
        return loaded;
    }
}
