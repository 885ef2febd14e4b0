package io.pgvault.security;

import io.pgvault.testing.TestServices;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * scripts/services.sh on a shared development host (security issue, item 8): its run dir holds the env.sh that
 * root sources, and its clusters trust local socket connections. Another local user must be able neither to
 * plant the run dir first nor to reach a socket. The attacks run as the unprivileged {@code nobody} user, which
 * needs this test to run as root — as CI and the test script do (the services themselves run as postgres).
 */
class ServicesScriptTest {

    private static final Path SCRIPT = Path.of("scripts/services.sh").toAbsolutePath();

    private static TestServices.Run services(String... args) {
        String[] command = new String[args.length + 2];
        command[0] = "bash";
        command[1] = SCRIPT.toString();
        System.arraycopy(args, 0, command, 2, args.length);
        return TestServices.run(TestServices.pgPort(), null, Map.of(), command);
    }

    private static TestServices.Run asNobody(String... command) {
        String[] full = new String[command.length + 4];
        full[0] = "runuser";
        full[1] = "-u";
        full[2] = "nobody";
        full[3] = "--";
        System.arraycopy(command, 0, full, 4, command.length);
        return TestServices.run(TestServices.pgPort(), Path.of("/"), Map.of(), full);
    }

    private static void requireRoot() {
        assertEquals("root", System.getProperty("user.name"),
                "this test performs its attacks as 'nobody' and must run as root, as scripts/test.sh does in CI");
    }

    @Test
    void aRunDirPlantedByAnotherUserIsRefusedBeforeAnythingStarts() throws Exception {
        requireRoot();
        Path planted = Files.createTempDirectory("pgvault-planted");
        Path link = planted.resolveSibling(planted.getFileName() + "-link");
        try {
            // another user made the directory first and left an env.sh in it for root to source
            Files.setPosixFilePermissions(planted, PosixFilePermissions.fromString("rwxrwxrwx"));
            TestServices.Run plant = asNobody("bash", "-c", "echo 'touch /tmp/pgvault-pwned' > " + planted + "/env.sh");
            assertEquals(0, plant.exit(), plant.stderr());
            assertEquals(0, TestServices.run(TestServices.pgPort(), null, Map.of(), "chown", "nobody", planted.toString()).exit());
            TestServices.Run r = services("start", planted.toString());
            assertEquals(1, r.exit(), r.stderr());
            assertTrue(r.stderr().contains("belongs to another user"), r.stderr());
            assertTrue(Files.readString(planted.resolve("env.sh")).contains("pgvault-pwned"), "env.sh was not rewritten");
            assertFalse(Files.exists(planted.resolve("pg-base")), "no cluster was made for it");

            // a link to somewhere else: refused too
            Files.createSymbolicLink(link, Path.of("/tmp"));
            TestServices.Run viaLink = services("start", link.toString());
            assertEquals(1, viaLink.exit(), viaLink.stderr());
            assertTrue(viaLink.stderr().contains("is a link"), viaLink.stderr());
        } finally {
            Files.deleteIfExists(link);
            Files.deleteIfExists(planted.resolve("env.sh"));
            Files.deleteIfExists(planted);
        }
        assertFalse(Files.exists(Path.of("/tmp/pgvault-pwned")), "the planted env.sh never ran");
    }

    @Test
    void theRunningServicesDirectoriesAndSocketsAreClosedToOtherUsers() throws IOException {
        requireRoot();
        Path runDir = Path.of(TestServices.env("PGVAULT_RUN_DIR"));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(runDir, LinkOption.NOFOLLOW_LINKS)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(runDir.resolve("env.sh"))),
                "env.sh holds the local passwords and keys");
        Path base = Path.of(Files.readString(runDir.resolve("pg-base")).trim());
        assertNotEquals("/tmp/pgvault-run", runDir.toString(), "no fixed, guessable run dir");
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(base.resolve("sock"))));

        // the attack: trust authentication over the socket, as another local user
        TestServices.Run viaSocket = asNobody(TestServices.pgBin().resolve("psql").toString(), "-h",
                base.resolve("sock").toString(), "-p", Integer.toString(TestServices.pgPort()), "-U", "postgres",
                "-d", "postgres", "-Atc", "SELECT 'reached'");
        assertNotEquals(0, viaSocket.exit(), viaSocket.stdout() + viaSocket.stderr());
        assertFalse(viaSocket.stdout().contains("reached"), viaSocket.stdout());
        assertTrue(viaSocket.stderr().contains("Permission denied") || viaSocket.stderr().contains("No such file"),
                viaSocket.stderr());
        TestServices.Run listing = asNobody("ls", runDir.toString());
        assertNotEquals(0, listing.exit(), "another user cannot list the run dir: " + listing.stdout() + listing.stderr());
    }
}
