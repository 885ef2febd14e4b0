package io.pgvault.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * What the build says about this pgvault: its version, from {@code io/pgvault/version.properties}, which Maven
 * fills in from the pom's {@code <version>} (the one place the version is written). Manifests, the CLI's
 * {@code --version} and anything else that names the version read it here.
 */
public final class BuildInfo {

    private static final String RESOURCE = "/io/pgvault/version.properties";
    private static final String VERSION = load();

    private BuildInfo() {
    }

    /** The version of this build, such as {@code 0.1.0-SNAPSHOT}. */
    public static String version() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing: build pgvault with Maven");
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "").trim();
            if (v.isEmpty() || v.contains("${")) {
                throw new IllegalStateException(RESOURCE + " was not filtered by Maven (version=" + v + ")");
            }
            return v;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
