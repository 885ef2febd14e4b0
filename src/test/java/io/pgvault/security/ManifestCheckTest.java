package io.pgvault.security;

import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import io.pgvault.testing.Errors;
import io.pgvault.vault.BackupLayout;
import io.pgvault.vault.Manifest;
import io.pgvault.vault.ManifestCheck;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The manifest check on values pgvault really writes (they must pass: every backup stays restorable) and on values
 * only tampering produces. {@link TamperedManifestTest} drives the same check through the restore API.
 */
class ManifestCheckTest {

    static final String ID = "20261122T020000Z";
    static final String SHA = "a".repeat(64);

    static Manifest manifest(String serverVersion, String compression, List<Manifest.File> files) {
        Instant t = BackupLayout.startOf(ID);
        return new Manifest(Manifest.FORMAT_VERSION, "pg1", ID, "2026-W47", "FULL", t, t.plusSeconds(60), serverVersion,
                "15.18", compression, 10, files, List.of(new Manifest.ExcludedDatabase("big\ndb", "o", "too big")),
                "0.1.0");
    }

    static Manifest.File db(String path, String compression, String name) {
        return new Manifest.File(Manifest.File.KIND_DATABASE, name, "owner\nwith newline", 5, path, 5, SHA,
                "AAAAAAAAAAAAAAAAAAAAAA==", compression);
    }

    static final Manifest.File ROLES = new Manifest.File(Manifest.File.KIND_GLOBALS, null, null, 0, "roles.sql", 5, SHA,
            null, "none");

    @Test
    void whatPgvaultWritesPasses() {
        for (String version : List.of("15.18", "15.10 (Debian 15.10-1.pgdg120+1)", "16.4 (Ubuntu 16.4-1.pgdg22.04+1)",
                "17beta1")) {
            for (String setting : List.of("zstd", "ZSTD:3", " gzip:6 ", "none")) {
                assertDoesNotThrow(() -> ManifestCheck.check(manifest(version, setting, List.of(ROLES,
                        db("databases/0001_-h.dump.zst", "zstd:1", "-h"),
                        db("databases/0002_new_line.dump", "gzip:6", "new\nline"),
                        db("databases/0003_x.dump", "none", "$(id) `id`"))), "pg1", ID), version + " " + setting);
            }
        }
    }

    /** A resumed backup's reused file names the interrupted run it came from: a backup id, nothing else. */
    @Test
    void aReusedFileNamesABackupIdOrIsRefused() {
        Manifest.File fresh = db("databases/0001_x.dump", "none", "x");
        Manifest.File reused = fresh.reusedAs("databases/0002_y.dump", "20261122T010000Z");
        assertDoesNotThrow(() -> ManifestCheck.check(manifest("15.18", "none", List.of(ROLES, reused)), "pg1", ID));
        assertRefused(manifest("15.18", "none", List.of(fresh.reusedAs("databases/0002_y.dump", "../other"))),
                "files[0].reusedFrom");
    }

    /** A manifest written before dumpedAt and reusedFrom existed still reads, with both empty. */
    @Test
    void aManifestWithoutTheResumeFieldsStillReads() throws Exception {
        String old = """
                {"formatVersion":1,"server":"pg1","backupId":"%s","isoWeek":"2026-W47","type":"FULL",
                 "startedAt":"2026-11-22T02:00:00Z","finishedAt":"2026-11-22T02:01:00Z","serverVersion":"15.18",
                 "pgDumpVersion":"15.18","compression":"none","totalBytes":5,"excludedDatabases":[],
                 "files":[{"kind":"database","database":"x","owner":"o","databaseSizeBytes":5,
                   "path":"databases/0001_x.dump","bytes":5,"sha256":"%s","md5":null,"compression":"none"}]}
                """.formatted(ID, SHA);
        Manifest m = com.fasterxml.jackson.databind.json.JsonMapper.builder().findAndAddModules().build()
                .readValue(old, Manifest.class);
        ManifestCheck.check(m, "pg1", ID);
        assertTrue(m.files().get(0).dumpedAt() == null && m.files().get(0).reusedFrom() == null, m.toString());
    }

    static Manifest.File withTables(List<Manifest.TableStat> tables) {
        Manifest.File f = db("databases/0001_x.dump", "none", "x");
        return new Manifest.File(f.kind(), f.database(), f.owner(), f.databaseSizeBytes(), f.path(), f.bytes(), f.sha256(),
                f.md5(), f.compression(), null, null, null, tables);
    }

    /** Table statistics: what the census writes passes (an unanalyzed estimate is -1); tampered ones are refused. */
    @Test
    void tableStatisticsAreCheckedNamingTheTable() {
        List<Manifest.TableStat> good = List.of(new Manifest.TableStat("public", "t\"x", 3, true, 8192),
                new Manifest.TableStat("-h", "ünï", -1, false, 0));
        assertDoesNotThrow(() -> ManifestCheck.check(manifest("15.18", "none", List.of(ROLES, withTables(good))), "pg1", ID));
        assertRefused(manifest("15.18", "none", List.of(withTables(List.of(new Manifest.TableStat("public", "t", -1, true, 0))))),
                "files[0].tables[0]: \"public.t rows -1");
        assertRefused(manifest("15.18", "none", List.of(withTables(List.of(new Manifest.TableStat("public", "t", 1, false, -5))))),
                "negative row count or size");
        assertRefused(manifest("15.18", "none", List.of(withTables(List.of(new Manifest.TableStat("public", "", 1, true, 0))))),
                "without a valid schema and name");
        assertRefused(manifest("15.18", "none", List.of(withTables(List.of(new Manifest.TableStat("s", "t", 1, true, 0),
                new Manifest.TableStat("s", "t", 2, true, 0))))), "lists a table twice");
        Manifest.File rolesWithTables = new Manifest.File(ROLES.kind(), null, null, 0, ROLES.path(), 5, SHA, null, "none",
                null, null, null, good);
        assertRefused(manifest("15.18", "none", List.of(rolesWithTables)), "no database dump");
    }

    @Test
    void tamperedValuesAreRefusedNamingTheField() {
        assertRefused(manifest("15.18", "zstd", List.of(db("databases/../x.dump", "none", "x"))), "files[0].path");
        assertRefused(manifest("15.18", "zstd", List.of(db("databases/0001_x.dump", "zstd:1", "x"))),
                "does not fit the file name");
        assertRefused(manifest("15.18", "zstd", List.of(db("databases/0001_x.dump", "none", ""))), "database name");
        assertRefused(manifest("15.18\n`id`", "zstd", List.of(ROLES)), "serverVersion");
        assertRefused(manifest("15.18", "zstd|id", List.of(ROLES)), "compression");
        assertRefused(manifest("15.18", "zstd", List.of(ROLES, ROLES)), "lists a file twice");
        PgvaultException e = Errors.assertKind(ErrorKind.INTEGRITY,
                () -> ManifestCheck.check(manifest("15.18", "zstd", List.of(ROLES)), "pg2", ID));
        assertTrue(e.render().contains("belongs to another server") && e.render().contains("HINT: "), e.render());
    }

    static Manifest.File part(String path, String part, List<Manifest.TableStat> tables) {
        return new Manifest.File(Manifest.File.KIND_DATABASE, "big", "o", 5, path, 5, SHA, null, "zstd:1", null, null,
                part, tables);
    }

    static List<Manifest.File> split(int dataParts) {
        List<Manifest.File> files = new java.util.ArrayList<>();
        files.add(part("databases/0001_big.pre-data.dump.zst", "pre-data", null));
        for (int i = 1; i <= dataParts; i++) {
            files.add(part("databases/0001_big.data-" + i + ".dump.zst", "data-" + i,
                    List.of(new Manifest.TableStat("it's", "a.\"Tab\" ü", 3, true, 8192))));
        }
        files.add(part("databases/0001_big.post-data.dump.zst", "post-data", null));
        return files;
    }

    /** A split database's parts pass; their restore stages are pre-data, the data parts, post-data. */
    @Test
    void aSplitDatabasePassesWithEveryPart() {
        Manifest m = manifest("15.18", "zstd", split(3));
        assertDoesNotThrow(() -> ManifestCheck.check(m, "pg1", ID));
        Manifest.DatabaseDump dump = m.databaseDumps().get(0);
        assertTrue(dump.split() && dump.stages().size() == 3 && dump.stages().get(1).size() == 3, dump.toString());
        assertDoesNotThrow(() -> ManifestCheck.check(manifest("15.18", "zstd", List.of(ROLES,
                db("databases/0002_small.dump.zst", "zstd:1", "small"))), "pg1", ID));
    }

    /** Parts that do not fit their file names, incomplete sets, and bad table statistics are refused. */
    @Test
    void tamperedPartsAndTablesAreRefused() {
        List<Manifest.File> noData = List.of(split(1).get(0), split(1).get(2));
        assertRefused(manifest("15.18", "zstd", noData), "neither one whole dump nor every part");
        List<Manifest.File> gap = new java.util.ArrayList<>(split(3));
        gap.remove(2); // data-2 missing
        assertRefused(manifest("15.18", "zstd", gap), "neither one whole dump nor every part");
        List<Manifest.File> noPost = new java.util.ArrayList<>(split(2));
        noPost.remove(noPost.size() - 1);
        assertRefused(manifest("15.18", "zstd", noPost), "neither one whole dump nor every part");
        assertRefused(manifest("15.18", "zstd", List.of(part("databases/0001_big.data-1.dump.zst", "data-2", null))),
                "does not fit the file name");
        assertRefused(manifest("15.18", "zstd", List.of(part("databases/0001_big.dump.zst", "pre-data", null))),
                "does not fit the file name");
        assertRefused(manifest("15.18", "zstd", List.of(part("databases/0001_big.data-0.dump.zst", "data-0", null))),
                "files[0].path");
        assertRefused(manifest("15.18", "zstd", List.of(part("databases/0001_big.pre-data.dump.zst", "../x", null))),
                "files[0].part");
        List<Manifest.File> negative = new java.util.ArrayList<>(split(1));
        negative.set(1, part("databases/0001_big.data-1.dump.zst", "data-1",
                List.of(new Manifest.TableStat("s", "t", -1, true, 0))));
        assertRefused(manifest("15.18", "zstd", negative), "negative row count");
        List<Manifest.File> unnamed = new java.util.ArrayList<>(split(1));
        unnamed.set(1, part("databases/0001_big.data-1.dump.zst", "data-1",
                List.of(new Manifest.TableStat("s", "", 1, true, 0))));
        assertRefused(manifest("15.18", "zstd", unnamed), "without a valid schema and name");
    }

    /**
     * An interrupted run's progress document offers a split database for reuse only with every part (the run
     * records them together once all committed): one that lists some parts is refused, so nothing is reused.
     */
    @Test
    void aProgressDocumentWithSomePartsOfADatabaseIsRefused() {
        List<Manifest.File> some = new java.util.ArrayList<>(split(2));
        some.remove(some.size() - 1);
        assertDoesNotThrow(() -> ManifestCheck.checkProgress(new io.pgvault.vault.RunProgress(1, "pg1", ID, split(2)),
                "pg1", ID));
        PgvaultException e = Errors.assertKind(ErrorKind.INTEGRITY, () -> ManifestCheck.checkProgress(
                new io.pgvault.vault.RunProgress(1, "pg1", ID, some), "pg1", ID));
        assertTrue(e.render().contains("neither one whole dump nor every part"), e.render());
    }

    @Test
    void aBackupThatWouldWriteAnUnreadableManifestSaysItIsNotTampering() {
        PgvaultException e = Errors.assertKind(ErrorKind.INTEGRITY,
                () -> ManifestCheck.checkNew(manifest("15.18\n", "zstd", List.of(ROLES)), "pg1", ID));
        assertTrue(e.render().contains("Nothing was committed") && e.render().contains("serverVersion"), e.render());
    }

    static void assertRefused(Manifest m, String part) {
        PgvaultException e = Errors.assertKind(ErrorKind.INTEGRITY, () -> ManifestCheck.check(m, "pg1", ID));
        assertTrue(e.render().contains(part), "expected '" + part + "': " + e.render());
        assertTrue(e.render().contains("HINT: "), e.render());
    }

    /** The source's system_identifier is a decimal number (or absent, in older manifests); anything else is refused. */
    @Test
    void theSystemIdentifierIsADecimalNumber() {
        Manifest m = manifest("15.18", "none", List.of(ROLES));
        assertDoesNotThrow(() -> ManifestCheck.check(withSystemIdentifier(m, "7713525943245912217"), "pg1", ID));
        assertDoesNotThrow(() -> ManifestCheck.check(withSystemIdentifier(m, null), "pg1", ID));
        for (String bad : List.of("", "77x", "-1", "1 OR 1=1", "123456789012345678901")) {
            assertRefused(withSystemIdentifier(m, bad), "systemIdentifier");
        }
    }

    static Manifest withSystemIdentifier(Manifest m, String id) {
        return new Manifest(m.formatVersion(), m.server(), m.backupId(), m.isoWeek(), m.type(), m.startedAt(),
                m.finishedAt(), m.serverVersion(), m.pgDumpVersion(), m.compression(), m.totalBytes(), m.files(),
                m.excludedDatabases(), m.pgvaultVersion(), id);
    }
}
