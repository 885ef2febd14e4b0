package io.pgvault.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgvault.matrix.Units;
import io.pgvault.testing.Cli;
import io.pgvault.testing.TestServices;
import io.pgvault.vault.Manifest;
import io.pgvault.vault.VaultStore;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --json} of every command that prints a result, after a real backup (PostgreSQL 15, Azurite): the output
 * parses with Jackson, says what really happened (checked against the vault, the restored container and the files
 * on disk), and has the HTTP API's field names — where the API serves the same thing, the very same JSON.
 */
@QuarkusTest
class CliJsonTest {

    private static final String SERVER = "test-pg";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    CommandLine.IFactory factory;

    @Inject
    VaultStore vault;

    private JsonNode json(String... args) {
        return json(0, args);
    }

    /** Runs a command that must exit {@code exit} and parses what it printed on stdout. */
    private JsonNode json(int exit, String... args) {
        Cli.Result r = Cli.run(factory, args);
        assertEquals(exit, r.exit(), String.join(" ", args) + ": " + r.out() + r.err());
        try {
            return JSON.readTree(r.out());
        } catch (IOException e) {
            throw new AssertionError("not JSON from " + String.join(" ", args) + ":\n" + r.out(), e);
        }
    }

    private static JsonNode api(String path) {
        try {
            return JSON.readTree(given().queryParam("server", SERVER).when().get(path).then().statusCode(200)
                    .extract().asString());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Its database leaves the shared source server again: later tests back up whatever is there. */
    @AfterAll
    static void dropTheDatabase() {
        TestServices.sql("postgres", "DROP DATABASE IF EXISTS cli_json WITH (FORCE)");
    }

    private Manifest backupOfFreshVault() {
        TestServices.resetVault();
        TestServices.recreateDatabase("cli_json");
        TestServices.sql("cli_json", "CREATE TABLE t (id int, v text)",
                "INSERT INTO t SELECT g, md5(g::text) FROM generate_series(1, 20000) g");
        JsonNode backup = json("backup", "--json");
        String id = backup.path("manifest").path("backupId").asText();
        Manifest m = vault.catalog(SERVER).stream().filter(c -> c.backupId().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("backup --json names " + id + ", not in the vault: " + backup));
        assertEquals(m.totalBytes(), backup.path("manifest").path("totalBytes").asLong(), backup.toString());
        assertEquals("backup-" + id, backup.path("job").path("id").asText());
        assertEquals("Succeeded", backup.path("job").path("state").asText());
        assertNoError(backup.path("verdict"));
        return m;
    }

    @Test
    void listJobsPreflightAndServersPrintWhatTheApiServes() {
        Manifest m = backupOfFreshVault();

        JsonNode list = json("list", "--json");
        assertEquals(api("/backups"), list, "list --json is GET /api/backups");
        assertEquals(m.backupId(), list.get(0).path("backupId").asText());
        assertEquals(m.totalBytes(), list.get(0).path("bytes").asLong(), "exact bytes, not a rounded unit");

        JsonNode jobs = json("jobs", "--json");
        JsonNode job = find(jobs, "id", "backup-" + m.backupId());
        assertEquals(find(api("/jobs"), "id", "backup-" + m.backupId()), job, "jobs --json is GET /api/jobs");
        JsonNode dbLine = find(job.path("progress"), "name", "cli_json");
        long dumpBytes = m.databaseFiles().stream().filter(f -> f.database().equals("cli_json")).findFirst()
                .orElseThrow().bytes();
        assertEquals(dumpBytes, dbLine.path("bytes").asLong());

        // this week's backup is taken now: the verdict refuses, and --json does not change the exit code (3)
        JsonNode verdict = json(PreflightCommand.REFUSED, "preflight", "--json");
        JsonNode weekTaken = find(verdict.path("violations"), "ruleId", "one-backup-per-week");
        assertEquals("ERROR", weekTaken.path("severity").asText());
        assertTrue(weekTaken.path("evidence").asText().contains(m.backupId()), weekTaken.toString());
        assertEquals(fieldNames(api("/preflight")), fieldNames(verdict), "preflight --json has the API's fields");

        JsonNode servers = json("servers", "--json");
        JsonNode apiServers = JSON.valueToTree(given().when().get("/servers").then().statusCode(200).extract()
                .jsonPath().getList("$"));
        assertEquals(fieldNames(apiServers.get(0)), fieldNames(servers.get(0)), "servers --json has the API's fields");
        assertEquals(m.backupId(), find(servers, "name", SERVER).path("lastBackup").path("backupId").asText());

        String human = Cli.run(factory, "list").out();
        assertTrue(human.contains(" " + Units.bytes(m.totalBytes()) + " "), "the table says " + Units.bytes(
                m.totalBytes()) + ":\n" + human);
        assertFalse(human.contains(String.valueOf(m.totalBytes())), "no raw byte count for people:\n" + human);
    }

    @Test
    void restoreFetchVerifyAndPrunePrintTheirResultsAsJson() throws IOException {
        Manifest m = backupOfFreshVault();
        String container = "cli-json-" + System.nanoTime();
        String url = TestServices.newTargetContainer(container);

        JsonNode restore = json("restore", "--backup", m.backupId(), "--target-container-url", url, "--json");
        assertEquals("Succeeded", restore.path("state").asText(), restore.toString());
        assertEquals(m.backupId(), restore.path("backupId").asText());
        assertEquals(m.files().size(), restore.path("filesTotal").asInt());
        assertFalse(restore.toString().contains("sig="), "no SAS in the printed job: " + restore);
        String restoreId = restore.path("id").asText();
        JsonNode status = JSON.readTree(given().queryParam("server", SERVER).queryParam("id", restoreId)
                .when().get("/restoreStatus").then().statusCode(200).extract().asString());
        assertEquals(status, restore, "restore --json is GET /api/restoreStatus");

        Path dir = Files.createTempDirectory("cli-json-fetch");
        JsonNode fetched = json("fetch", "--container-url", url, "--server", SERVER, "--backup", m.backupId(),
                "--to", dir.toString(), "--json");
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        long onDisk = 0;
        for (Path f : files) {
            onDisk += Files.size(f);
        }
        assertEquals(files.size(), fetched.path("files").asInt(), fetched.toString());
        assertEquals(onDisk, fetched.path("bytes").asLong(), fetched.toString());
        assertTrue(files.size() > m.files().size(), "the dumps and the restore kit: " + files);

        JsonNode verified = json("verify", "--backup", m.backupId(), "--no-test-restore", "--json");
        assertEquals(1, verified.size(), verified.toString());
        assertEquals("Succeeded", verified.get(0).path("state").asText(), verified.toString());
        assertEquals(m.files().size(), verified.get(0).path("filesDone").asInt());
        assertEquals(m.files().stream().mapToLong(Manifest.File::bytes).sum(), verified.get(0).path("bytes").asLong());

        JsonNode prune = json("prune", "--dry-run", "--json");
        assertTrue(prune.path("dryRun").asBoolean(), prune.toString());
        JsonNode decision = find(prune.path("plan").path("backups"), "backupId", m.backupId());
        assertFalse(decision.path("delete").asBoolean(), "the newest backup is never pruned: " + prune);
        assertEquals(m.totalBytes(), decision.path("bytes").asLong());
        assertEquals(1, vault.catalog(SERVER).size(), "a dry run deletes nothing");
    }

    /** A verdict as the API sends it: its violations (warnings at most), its database selection. */
    private static void assertNoError(JsonNode verdict) {
        assertTrue(verdict.path("violations").isArray() && verdict.path("selection").isObject(), verdict.toString());
        verdict.path("violations").forEach(v -> assertFalse("ERROR".equals(v.path("severity").asText()), v.toString()));
    }

    private static JsonNode find(JsonNode array, String field, String value) {
        for (JsonNode n : array) {
            if (value.equals(n.path(field).asText())) {
                return n;
            }
        }
        throw new AssertionError("no element with " + field + " = " + value + " in " + array);
    }

    /** Every field path in a JSON tree (arrays: their elements' fields), e.g. {@code violations[].ruleId}. */
    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new TreeSet<>();
        collect(node, "", names);
        return names;
    }

    private static void collect(JsonNode node, String path, Set<String> names) {
        if (node.isArray()) {
            node.forEach(e -> collect(e, path + "[]", names));
        } else if (node.isObject()) {
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                names.add(path + "." + f);
                collect(node.get(f), path + "." + f, names);
            }
        }
    }
}
