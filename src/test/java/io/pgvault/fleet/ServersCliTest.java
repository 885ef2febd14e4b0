package io.pgvault.fleet;

import io.pgvault.matrix.real.Real;
import io.pgvault.testing.Cli;
import io.pgvault.testing.TestServices;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.time.DayOfWeek;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code bin/pgvault servers [add|remove]} and {@code --server NAME} on the other verbs, run in-process with the
 * app's beans against a second real cluster and a real standby.
 */
@QuarkusTest
class ServersCliTest {

    @Inject
    CommandLine.IFactory factory;

    @Inject
    ServerRegistry registry;

    private final List<String> outputs = new ArrayList<>();

    Cli.Result run(String... args) {
        Cli.Result r = Cli.run(factory, args);
        outputs.add(r.out() + r.err());
        return r;
    }

    @Test
    void serversAreAddedBackedUpListedAndRemovedFromTheCli() {
        TestServices.resetVault();
        String b = String.valueOf(TestServices.targetPgPort());
        Cli.Result add = run("servers", "add", Fleet.B, "--host", "127.0.0.1", "--port", b, "--user", "postgres",
                "--password-env", "PGVAULT_PG_PASSWORD", "--sslmode", "disable", "--day", "sat", "--hour", "3");
        assertEquals(0, add.exit(), add.err());
        assertTrue(add.out().contains("server fleet-b registered: preflight passed"), add.out());
        BackupPolicy policy = registry.require(Fleet.B).policy();
        assertEquals(DayOfWeek.SATURDAY, policy.dayOfWeek());
        assertEquals(3, policy.hourUtc());

        String standby = String.valueOf(Real.standbyPort());
        Cli.Result refused = run("servers", "add", Fleet.REPLICA, "--host", "127.0.0.1", "--port", standby, "--user",
                "postgres", "--password-env", "PGVAULT_PG_PASSWORD", "--sslmode", "disable");
        assertEquals(3, refused.exit(), refused.out() + refused.err());
        assertTrue(refused.err().contains("primary-only") && refused.err().contains("--force"), refused.err());
        assertTrue(registry.get(Fleet.REPLICA).isEmpty(), "refused without --force: not saved");
        Cli.Result forced = run("servers", "add", Fleet.REPLICA, "--host", "127.0.0.1", "--port", standby, "--user",
                "postgres", "--password-env", "PGVAULT_PG_PASSWORD", "--sslmode", "disable", "--force");
        assertEquals(0, forced.exit(), forced.err());
        assertTrue(forced.out().contains("REFUSED (saved with --force"), forced.out());

        assertEquals(0, run("preflight", "--server", Fleet.B).exit(), "the registered server passes its preflight");
        Cli.Result backup = run("backup", "--server", Fleet.B);
        assertEquals(0, backup.exit(), backup.err());
        assertTrue(backup.out().contains("committed: server fleet-b"), backup.out());
        String id = backup.out().split(" ")[1];
        assertTrue(run("list", "--server", Fleet.B).out().contains(id));
        assertTrue(run("jobs", "--server", Fleet.B).out().contains("backup-" + id));

        Cli.Result table = run("servers");
        assertEquals(0, table.exit(), table.err());
        List<String> lines = table.out().lines().toList();
        assertTrue(lines.get(0).startsWith("WEEK"), table.out());
        assertTrue(lines.get(1).startsWith("refused") && lines.get(1).contains(Fleet.REPLICA), "failures first: " + table.out());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("done") && l.contains(Fleet.B) && l.contains(id)), table.out());
        assertTrue(lines.stream().anyMatch(l -> l.contains("test-pg *")), "the settings server, marked: " + table.out());

        Cli.Result stop = run("servers", "remove", Fleet.REPLICA);
        assertEquals(0, stop.exit(), stop.err());
        assertEquals(ProtectionState.STOPPED, registry.require(Fleet.REPLICA).state());
        Cli.Result delete = run("servers", "remove", Fleet.B, "--delete-backups");
        assertEquals(0, delete.exit(), delete.err());
        assertTrue(delete.out().contains("1 backup(s) deleted, entry removed"), delete.out());
        assertTrue(registry.get(Fleet.B).isEmpty());
        assertTrue(TestServices.vaultBlobs().stream().noneMatch(x -> x.startsWith(Fleet.B + "/")));

        String password = TestServices.password();
        assertTrue(outputs.stream().noneMatch(o -> o.contains(password)), "no password in any output");
        assertFalse(String.join("", outputs).isEmpty());
    }
}
