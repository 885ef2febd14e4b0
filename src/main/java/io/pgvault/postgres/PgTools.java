package io.pgvault.postgres;

import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import io.pgvault.config.PgvaultConfig;
import io.pgvault.config.Settings;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds the PostgreSQL client tools and builds their process launches. Arguments are passed as a list
 * (no shell), and the database name goes in PGDATABASE, never on the command line: a database named
 * {@code -h} or {@code a=b} cannot turn into an option or a connection string.
 */
@ApplicationScoped
public class PgTools {

    private static final Pattern VERSION = Pattern.compile("(\\d+)(?:\\.(\\d+))?");

    private final PgvaultConfig.Pg pg;
    private final PgCredentials credentials;
    private volatile Path binDir;

    private final Settings settings;

    public PgTools(PgvaultConfig config, Settings settings, PgCredentials credentials) {
        this.pg = config.pg();
        this.settings = settings;
        this.credentials = credentials;
    }

    /** Full path of a client tool such as {@code pg_dump}. */
    public Path tool(String name) {
        Path p = binDir().resolve(name);
        if (!Files.isExecutable(p)) {
            throw new PgvaultException(ErrorKind.CONFIGURATION, name + " was not found.",
                    "looked in " + binDir(),
                    "Install the PostgreSQL client (same major as the server or newer) or set PGVAULT_PG_BIN_DIR.");
        }
        return p;
    }

    /** Version string of pg_dump, such as {@code 15.18}. */
    public String pgDumpVersion() {
        try {
            Process p = new ProcessBuilder(tool("pg_dump").toString(), "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor(30, TimeUnit.SECONDS);
            Matcher m = VERSION.matcher(out.replaceFirst("^\\D+", ""));
            return m.find() ? m.group() : out;
        } catch (IOException e) {
            throw new PgvaultException(ErrorKind.CONFIGURATION, "pg_dump could not be run.", e.getMessage(),
                    "Check PGVAULT_PG_BIN_DIR and the tool's permissions.", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Major version of a version string: 15 of {@code 15.18}, 9 of {@code 9.6.24}. */
    public static int major(String version) {
        Matcher m = VERSION.matcher(version);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    /**
     * A process builder for a tool against {@code database} with the connection in the environment, as pgvault's
     * own role. The password travels in PGPASSWORD of the child only.
     */
    public ProcessBuilder command(String database, String tool, List<String> args) {
        return command(database, tool, args, new PgLogin(pg.user(), credentials.password()));
    }

    /**
     * The same, logged in as {@code login}.
     *
     * <p>No PGOPTIONS with pgvault's session settings ({@link PgConnections#SESSION_OPTIONS}): pg_dump, pg_dumpall and
     * pg_restore make their sessions safe themselves. Each one's first statement on every connection sets an empty
     * {@code search_path} (since PostgreSQL 10.3, CVE-2018-1058) and every name they send is schema-qualified;
     * pg_dump sets {@code row_security = off} (so a policy fails the dump instead of running); pg_dumpall reads
     * only shared catalogs, which carry no user policies; pg_restore runs the archive's own statements, and a
     * test restore runs them as the scratch role (see ScratchRestore), not as pgvault. PGOPTIONS would add nothing
     * but a startup option a connection pooler may refuse.
     */
    public ProcessBuilder command(String database, String tool, List<String> args, PgLogin login) {
        List<String> cmd = new ArrayList<>();
        cmd.add(tool(tool).toString());
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("PG") || k.startsWith("PGVAULT_"));
        env.put("PGHOST", pg.host());
        env.put("PGPORT", Integer.toString(settings.pgPort()));
        env.put("PGUSER", login.user());
        env.put("PGSSLMODE", settings.pgSslMode().toString());
        env.put("PGDATABASE", database);
        env.put("PGAPPNAME", "pgvault");
        env.put("PGCONNECT_TIMEOUT", "30");
        if (!login.password().isEmpty()) {
            env.put("PGPASSWORD", login.password());
        }
        return pb;
    }

    private Path binDir() {
        Path dir = binDir;
        if (dir == null) {
            dir = pg.binDir().filter(s -> !s.isBlank()).map(Path::of).orElseGet(PgTools::newestInstalled);
            binDir = dir;
        }
        return dir;
    }

    /** The newest /usr/lib/postgresql/N/bin, or the directory of pg_dump on the PATH. */
    private static Path newestInstalled() {
        Path base = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(base)) {
            try (Stream<Path> s = Files.list(base)) {
                var newest = s.filter(d -> d.getFileName().toString().matches("\\d+"))
                        .filter(d -> Files.isExecutable(d.resolve("bin/pg_dump")))
                        .max(Comparator.comparingInt(d -> Integer.parseInt(d.getFileName().toString())));
                if (newest.isPresent()) {
                    return newest.get().resolve("bin");
                }
            } catch (IOException ignored) {
                // fall through to PATH
            }
        }
        for (String entry : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!entry.isEmpty() && Files.isExecutable(Path.of(entry, "pg_dump"))) {
                return Path.of(entry);
            }
        }
        return Path.of("/usr/bin");
    }
}
