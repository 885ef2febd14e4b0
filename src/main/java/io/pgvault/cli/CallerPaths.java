package io.pgvault.cli;

import java.nio.file.Path;

/**
 * Relative path options resolve against the caller's directory. bin/pgvault runs the JVM in the jar's directory
 * (the class-data-sharing archive names the jar relative to it) and passes the caller's directory as the
 * {@code pgvault-cli.cwd} system property (not under {@code pgvault.}: the config mapping refuses unknown keys
 * there); without it, paths resolve as usual.
 */
final class CallerPaths {

    private CallerPaths() {
    }

    static Path resolve(Path path) {
        String cwd = System.getProperty("pgvault-cli.cwd");
        return path.isAbsolute() || cwd == null || cwd.isBlank() ? path : Path.of(cwd).resolve(path);
    }
}
