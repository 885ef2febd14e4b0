package io.pgvault.matrix.real;

import io.pgvault.testing.TestServices;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The support matrix through the packaged application, as an operator meets it: {@code bin/pgvault} processes
 * (each its own JVM) against the real PostgreSQL and Azurite. Two backups started at the same moment race for the
 * week slot in the vault — exactly one commits, the other is refused naming it; {@code backup --type incremental}
 * and {@code preflight} on a violating configuration exit non-zero with the violations and HINTs.
 *
 * <p>It needs the packaged jar, which {@code mvn test} has not built yet, so it is tagged {@code packaged} (and
 * {@code slow}, which the build excludes by default). Run it after packaging:
 * <pre>
 * ./mvnw -DskipTests package
 * ./mvnw test -DexcludedTestGroups= -Dgroups=packaged -Dtest=ConcurrentCliProcessesRealTest
 * </pre>
 */
@Tag("slow")
@Tag("packaged")
class ConcurrentCliProcessesRealTest {

    static final Path ROOT = Path.of("").toAbsolutePath();
    static final Pattern COMMITTED = Pattern.compile("backup (\\d{8}T\\d{6}Z) committed");

    /** One finished process. */
    record Run(int exit, String out, String err) {
    }

    @BeforeAll
    static void packaged() throws IOException {
        try (Stream<Path> s = Files.list(ROOT.resolve("target"))) {
            assertTrue(s.anyMatch(p -> p.getFileName().toString().matches("pgvault-.*-runner\\.jar")),
                    "run ./mvnw -DskipTests package first: this test runs the packaged bin/pgvault");
        }
    }

    @Test
    void twoBackupProcessesStartedTogetherExactlyOneCommitsTheOtherIsRefused() throws Exception {
        String server = "cli-race";
        TestServices.deleteVaultBlobs(server + "/");
        Map<String, String> env = Map.of("PGVAULT_SERVER_NAME", server);
        Process a = start(env, "backup");
        Process b = start(env, "backup");
        List<Run> runs = List.of(finish(a), finish(b));
        runs.forEach(r -> System.out.println("bin/pgvault backup (exit " + r.exit() + "):\n" + r.out() + r.err()));

        List<Run> ok = runs.stream().filter(r -> r.exit() == 0).toList();
        List<Run> refused = runs.stream().filter(r -> r.exit() != 0).toList();
        assertEquals(1, ok.size(), "exactly one process commits: " + runs);
        assertEquals(1, refused.size());
        assertEquals(3, refused.get(0).exit(), "a refusal exits 3 whichever way it lost the slot");
        Matcher m = COMMITTED.matcher(ok.get(0).out());
        assertTrue(m.find(), ok.get(0).out());
        String winner = m.group(1);
        String err = refused.get(0).err();
        // refused by the matrix (a table: it saw the slot taken) or by the claim (it lost the race): both name the holder
        assertTrue(err.contains("one-backup-per-week") || err.contains("held by backup " + winner), err);
        assertTrue(err.contains(winner), "the refusal names the holder: " + err);
        assertTrue(err.contains("HINT:"), err);
        assertFalse(err.contains("\tat "), "no stack trace: " + err);
        List<String> manifests = TestServices.vaultBlobs().stream()
                .filter(n -> n.startsWith(server + "/") && n.endsWith("/manifest.json")).toList();
        assertEquals(List.of(server + "/" + winner + "/manifest.json"), manifests, "exactly one backup in the vault");
        List<String> jobs = TestServices.vaultBlobs().stream().filter(n -> n.startsWith(server + "/.jobs/")).toList();
        assertEquals(2, jobs.size(), "two runs, two job records: " + jobs);
    }

    @Test
    void backupTypeIncrementalExitsNonZeroWithTheViolationAndAHint() throws Exception {
        String server = "cli-incremental";
        TestServices.deleteVaultBlobs(server + "/");
        Run r = finish(start(Map.of("PGVAULT_SERVER_NAME", server), "backup", "--type", "incremental"));

        assertEquals(3, r.exit(), r.toString());
        assertTrue(r.err().contains("full-only") && r.err().contains("incremental backups are not"), r.err());
        assertTrue(r.err().contains("HINT:"), r.err());
        assertFalse(TestServices.vaultBlobs().stream().anyMatch(n -> n.startsWith(server + "/") && !n.startsWith(server + "/.jobs/")),
                "nothing but the job record was written");
    }

    @Test
    void unknownBackupTypeExitsOneWithTheAllowedValues() throws Exception {
        Run r = finish(start(Map.of("PGVAULT_SERVER_NAME", "cli-unknown"), "backup", "--type", "hourly"));
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("Unknown backup type") && r.err().contains("full, incremental, differential"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
    }

    @Test
    void preflightOnAViolatingConfigurationPrintsEveryViolationAndExitsNonZero() throws Exception {
        String server = "cli-preflight";
        TestServices.deleteVaultBlobs(server + "/");
        Map<String, String> env = new HashMap<>(Map.of("PGVAULT_SERVER_NAME", server,
                "PGVAULT_MATRIX_MAX_SERVER_SIZE_BYTES", "1000",
                "PGVAULT_VAULT_ACCESS_TIER", "Archive",
                "PGVAULT_SERVER_REGION", "uksouth", "PGVAULT_VAULT_REGION", "westeurope"));
        Run r = finish(start(env, "preflight", "--type", "incremental"));
        System.out.println("bin/pgvault preflight --type incremental (exit " + r.exit() + "):\n" + r.out() + r.err());

        assertNotEquals(0, r.exit());
        for (String rule : List.of("server-size", "no-archive-tier", "full-only", "vault-placement", "region-availability")) {
            assertTrue(r.out().contains(rule), rule + " missing from\n" + r.out());
        }
        assertTrue(r.out().startsWith("Support matrix: 4 error(s), 1 warning(s); refused."), r.out());
        assertFalse(TestServices.vaultBlobs().stream().anyMatch(n -> n.startsWith(server + "/")), "preflight writes nothing");
    }

    private static Process start(Map<String, String> extraEnv, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("bash", ROOT.resolve("bin/pgvault").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile());
        pb.environment().put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":" + System.getenv("PATH"));
        pb.environment().putAll(extraEnv);
        Path out = Files.createTempFile("pgvault-cli", ".out");
        Path err = Files.createTempFile("pgvault-cli", ".err");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        OUTPUTS.put(p, new Path[] {out, err});
        return p;
    }

    private static final Map<Process, Path[]> OUTPUTS = new java.util.concurrent.ConcurrentHashMap<>();

    private static Run finish(Process p) throws Exception {
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("bin/pgvault did not finish in 5 minutes");
        }
        Path[] files = OUTPUTS.remove(p);
        return new Run(p.exitValue(), Files.readString(files[0], StandardCharsets.UTF_8),
                Files.readString(files[1], StandardCharsets.UTF_8));
    }
}
