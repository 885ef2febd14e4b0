package io.pgvault.fleet;

import io.pgvault.backup.BackupService;
import io.pgvault.backup.BackupTrigger;
import io.pgvault.testing.TestServices;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fleet status page in real headless Chromium (Debian's {@code chromium}, installed by scripts/services.sh)
 * against the running app: the page loads, fetches /api/servers with the key it was opened with, and shows each
 * server's badge, failures first. Leaves a screenshot at target/fleet-status.png.
 */
@QuarkusTest
class StatusPageTest {

    static final Path SCREENSHOT = Path.of("target/fleet-status.png").toAbsolutePath();
    private static final Pattern ROW = Pattern.compile("<tr data-server=\"([^\"]+)\" data-status=\"([a-z]+)\">");

    @Inject
    BackupService backups;

    @Inject
    ServerRegistry registry;

    @Test
    void thePageShowsTheFleetWithFailuresFirstInRealChromium() throws Exception {
        TestServices.resetVault();
        FleetHttp.protect(FleetHttp.b()).then().statusCode(200);
        FleetHttp.protect(FleetHttp.with(FleetHttp.down(), "force", true)).then().statusCode(200);
        FleetHttp.protect(FleetHttp.with(FleetHttp.replica(), "force", true)).then().statusCode(200);
        backups.backup(registry.require(Fleet.B), BackupTrigger.CLI);
        try {
            backups.backup(registry.require(Fleet.DOWN), BackupTrigger.CLI);
        } catch (RuntimeException expected) {
            // its job ends Failed with a HINT: the page shows it first
        }
        String url = "http://127.0.0.1:" + RestAssured.port + "/api/fleet?code=local-test-key";

        String dom = chromium("--dump-dom", url);

        assertTrue(dom.contains("<body data-state=\"loaded\">"), dom);
        List<String> rows = new ArrayList<>();
        Matcher m = ROW.matcher(dom);
        while (m.find()) {
            rows.add(m.group(1) + "=" + m.group(2));
        }
        assertEquals(Fleet.DOWN + "=failed", rows.get(0), "failures first: " + rows);
        assertEquals(Fleet.REPLICA + "=refused", rows.get(1), rows.toString());
        assertTrue(rows.contains(Fleet.B + "=done"), rows.toString());
        assertEquals(4, rows.size(), rows.toString());
        assertTrue(dom.contains("<span class=\"badge failed\">failed</span>"), dom);
        assertTrue(dom.contains("HINT:"), "the failure's HINT is on the page");
        assertFalse(dom.contains(TestServices.password()));

        Files.deleteIfExists(SCREENSHOT);
        chromium("--screenshot=" + SCREENSHOT, "--window-size=1500,650", "--hide-scrollbars", url);
        assertTrue(Files.size(SCREENSHOT) > 10_000, "a screenshot of the rendered page at " + SCREENSHOT);
    }

    @Test
    void thePageIsPlainHtmlThatRendersNothingFromTheApiAsMarkup() {
        String page = RestAssured.get("/fleet").then().statusCode(200).contentType("text/html; charset=utf-8")
                .extract().asString();
        assertTrue(page.contains("fetch(url"), "it fetches the API");
        assertFalse(page.contains("innerHTML"), "API text is set as text, never parsed as HTML");
        assertTrue(RestAssured.get("/fleet").header("Content-Security-Policy").contains("default-src 'none'"));
    }

    /** Runs headless Chromium with the guide's flags and a fresh profile; returns its stdout. */
    static String chromium(String... args) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("pgvault-chromium");
        List<String> cmd = new ArrayList<>(List.of("chromium", "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--no-first-run", "--user-data-dir=" + profile,
                "--virtual-time-budget=20000"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), "chromium ended");
        assertEquals(0, p.exitValue(), "chromium's exit code");
        try (var files = Files.walk(profile)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}
