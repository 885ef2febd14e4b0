package io.pgvault.restore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The Azure Functions package that {@code mvn package} writes (runs in {@code verify}, after packaging): the
 * HTTP functions need a function key (authLevel FUNCTION, patched in by the pom's antrun step), the weekly
 * backup fires on the {@code %BACKUP_SCHEDULE%} app setting, and host.json is the project's own.
 */
class FunctionPackageIT {

    static final Path DIR = Path.of(System.getProperty("pgvault.functions.dir", "target/azure-functions/pgvault"));
    static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode read(String relative) throws IOException {
        Path file = DIR.resolve(relative);
        if (!Files.isRegularFile(file)) {
            fail(file + " is missing: this test runs after `mvn package` (failsafe, phase integration-test)");
        }
        return JSON.readTree(file.toFile());
    }

    static JsonNode binding(JsonNode function, String type) {
        for (JsonNode b : function.get("bindings")) {
            if (type.equals(b.path("type").asText())) {
                return b;
            }
        }
        return fail("no " + type + " binding in " + function);
    }

    @Test
    void httpFunctionsNeedAFunctionKey() throws IOException {
        JsonNode http = binding(read("QuarkusHttp/function.json"), "httpTrigger");
        assertEquals("FUNCTION", http.path("authLevel").asText(), "authLevel of the HTTP trigger: " + http);
        assertEquals("{*path}", http.path("route").asText(), "one trigger serves every /api function");
    }

    @Test
    void weeklyBackupRunsOnTheBackupScheduleSetting() throws IOException {
        JsonNode function = read("weeklyBackup/function.json");
        JsonNode timer = binding(function, "timerTrigger");
        assertEquals("%BACKUP_SCHEDULE%", timer.path("schedule").asText(), "timer binding: " + timer);
        assertEquals("in", timer.path("direction").asText());
        assertEquals("io.pgvault.backup.WeeklyBackupFunction.run", function.path("entryPoint").asText());
        assertTrue(Files.isRegularFile(DIR.resolve("weeklyBackup").resolve(function.path("scriptFile").asText())),
                "the scriptFile exists: " + function.path("scriptFile").asText());
    }

    @Test
    void theFleetSchedulerRunsOnTheSchedulerScheduleSetting() throws IOException {
        JsonNode function = read("scheduleBackups/function.json");
        JsonNode timer = binding(function, "timerTrigger");
        assertEquals("%SCHEDULER_SCHEDULE%", timer.path("schedule").asText(), "timer binding: " + timer);
        assertEquals("io.pgvault.fanout.ScheduleBackupsFunction.run", function.path("entryPoint").asText());
    }

    @Test
    void backupServerDrainsTheBackupQueueOfTheHostAccount() throws IOException {
        JsonNode function = read("backupServer/function.json");
        JsonNode queue = binding(function, "queueTrigger");
        assertEquals("pgvault-backups", queue.path("queueName").asText(), "queue binding: " + queue);
        assertEquals("AzureWebJobsStorage", queue.path("connection").asText(), "queue binding: " + queue);
        assertEquals("in", queue.path("direction").asText());
        assertEquals("io.pgvault.fanout.BackupServerFunction.run", function.path("entryPoint").asText());
        assertTrue(Files.isRegularFile(DIR.resolve("backupServer").resolve(function.path("scriptFile").asText())),
                "the scriptFile exists: " + function.path("scriptFile").asText());
    }

    @Test
    void hostJsonIsTheProjectsOwn() throws IOException {
        JsonNode host = read("host.json");
        assertEquals(JSON.readTree(Path.of("host.json").toFile()), host, "the package's host.json is ./host.json");
        // and ./host.json is what a weekly dump needs: the bundle of the Functions v4 host, no 30-minute cut
        assertEquals("[4.*, 5.0.0)", host.path("extensionBundle").path("version").asText());
        assertEquals("1.00:00:00", host.path("functionTimeout").asText());
    }
}
