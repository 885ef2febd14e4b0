package io.pgvault.fleet;

import io.pgvault.matrix.Units;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fleet page formats sizes and durations in its own script (it is a constant HTML file); this runs that script's
 * {@code size} and {@code duration} in Node (installed with Azurite by scripts/services.sh) on the unit boundaries
 * and asserts they say exactly what {@link Units} — the CLI's formatter — says.
 */
class StatusPageUnitsTest {

    private static final long[] BYTES = {0, 1, 1023, 1024, 1536, 10_239, 1024 * 1024 - 103, 1024 * 1024 - 1,
            1024 * 1024, 524_288_000L, (1L << 30) - 1, 1L << 30, 10_737_418_240L, 1L << 40, 123_456_789_012L};
    private static final long[] MILLIS = {0, 999, 1000, 1999, 59_900, 59_999, 60_000, 72_000, 3_599_999, 3_600_000,
            3_900_000, 90_061_000};

    @Test
    void thePageFormatsSizesAndDurationsExactlyAsTheCli() throws Exception {
        StringBuilder js = new StringBuilder(unitsScript());
        List<String> expected = new ArrayList<>();
        for (long b : BYTES) {
            js.append("console.log(size(").append(b).append("));\n");
            expected.add(Units.bytes(b));
        }
        for (long ms : MILLIS) {
            js.append("console.log(duration(").append(ms).append("));\n");
            expected.add(Units.duration(Duration.ofMillis(ms)));
        }
        assertEquals(expected, node(js.toString()));
    }

    /** The page's script between its {@code units:begin} and {@code units:end} markers. */
    private static String unitsScript() throws IOException {
        String html;
        try (InputStream in = StatusPage.class.getResourceAsStream(StatusPage.RESOURCE)) {
            html = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        int from = html.indexOf("// units:begin");
        int to = html.indexOf("// units:end");
        assertTrue(from > 0 && to > from, "the page marks its unit functions");
        return html.substring(from, to) + "\n";
    }

    private static List<String> node(String script) throws IOException, InterruptedException {
        Path file = Files.createTempFile("status-units", ".js");
        try {
            Files.writeString(file, script, StandardCharsets.UTF_8);
            Process p = new ProcessBuilder("node", file.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(1, TimeUnit.MINUTES), "node did not end");
            assertEquals(0, p.exitValue(), out);
            return out.lines().toList();
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
