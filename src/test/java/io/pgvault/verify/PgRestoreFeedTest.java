package io.pgvault.verify;

import com.github.luben.zstd.ZstdOutputStream;
import io.pgvault.testing.TestServices;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The TOC check on real archives of every compression pgvault writes — pg_dump's own gzip and none (plain
 * custom archives), and zstd (decompressed on the way into pg_restore) — through the real pg_restore's stdin.
 */
class PgRestoreFeedTest {

    static byte[] gzip6;
    static byte[] plain;

    @BeforeAll
    static void dumps() {
        TestServices.recreateDatabase("feed_src");
        TestServices.sql("feed_src", "CREATE TABLE a (id int PRIMARY KEY, t text)", "CREATE VIEW v AS SELECT id FROM a",
                "INSERT INTO a SELECT g, md5(g::text) FROM generate_series(1, 50000) g");
        gzip6 = dump("--compress=6");
        plain = dump("--compress=0");
    }

    @AfterAll
    static void dropDatabase() {
        TestServices.sql("postgres", "DROP DATABASE IF EXISTS feed_src WITH (FORCE)");
    }

    static byte[] dump(String compress) {
        try {
            java.nio.file.Path file = java.nio.file.Files.createTempFile("pgvault-feed", ".dump");
            var r = TestServices.run(TestServices.pgPort(), null, Map.of("PGDATABASE", "feed_src"),
                    TestServices.pgBin().resolve("pg_dump").toString(), "--format=custom", compress, "--file=" + file);
            assertEquals(0, r.exit(), r.stderr());
            byte[] bytes = java.nio.file.Files.readAllBytes(file);
            java.nio.file.Files.delete(file);
            return bytes;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static PgRestoreFeed.Result list(byte[] stored, String compression) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(TestServices.pgBin().resolve("pg_restore").toString(), "--list");
        return PgRestoreFeed.run(pb, FileReadBack.decompressed(new ByteArrayInputStream(stored), compression),
                Duration.ofMinutes(1));
    }

    @Test
    void everyCompressionPgvaultWritesHasAReadableTableOfContents() throws IOException {
        ByteArrayOutputStream zst = new ByteArrayOutputStream();
        try (ZstdOutputStream z = new ZstdOutputStream(zst, 1)) {
            z.write(plain);
        }
        for (var c : Map.of("gzip:6", gzip6, "none", plain, "zstd:1", zst.toByteArray()).entrySet()) {
            PgRestoreFeed.Result r = list(c.getValue(), c.getKey());
            assertTrue(r.ok() && r.archiveHeader(), c.getKey() + ": " + r.problem());
            assertTrue(r.tocEntries() >= 3, c.getKey() + ": table, view and data are listed, got " + r.tocEntries());
        }
    }

    @Test
    void aDamagedHeaderOrAnUncompressedStreamReadAsZstdIsRefused() throws IOException {
        byte[] bad = Arrays.copyOf(plain, plain.length);
        bad[0] = 'X'; // the "PGDMP" magic
        PgRestoreFeed.Result r = list(bad, "none");
        assertFalse(r.ok());
        assertTrue(r.problem().startsWith("pg_restore exit 1"), r.problem());
        PgRestoreFeed.Result z = list(plain, "zstd:1");
        assertFalse(z.ok(), "a plain archive is not a zstd stream");
    }
}
