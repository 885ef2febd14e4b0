package io.pgvault.backup;

import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import io.pgvault.jobs.JobRecord;
import io.pgvault.matrix.BackupType;
import io.pgvault.testing.Errors;
import io.pgvault.testing.TestServices;
import io.pgvault.vault.Manifest;
import io.pgvault.vault.VaultStore;
import io.pgvault.verify.VerifyAccepted;
import io.pgvault.verify.VerifyRequest;
import io.pgvault.verify.VerifyService;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A database larger than {@code pgvault.backup.split-database-bytes} (300 kB here, {@link SplitProfile}) dumped in
 * parts from one exported snapshot, on the real PostgreSQL and Azurite, restored by the restore kit's restore.sh
 * into the second PostgreSQL: consistent across parts under concurrent writes, identical to its source with
 * partitions, inheritance, RLS, generated columns, large objects, sequences and hostile table names; and a failing
 * part fails the backup with nothing left open.
 */
@QuarkusTest
@TestProfile(SplitProfile.class)
class SplitBackupTest {

    private static final Logger LOG = Logger.getLogger(SplitBackupTest.class);
    static final String PAIR = "split_pair";
    static final String SHAPES = "split_shapes";
    static final String ODD_SCHEMA = "Odd.Schema";
    static final String ODD_TABLE = "it's a \"Tab\".Ü";

    @Inject
    BackupService backups;

    @Inject
    VaultStore vault;

    @Inject
    VerifyService verifies;

    @BeforeEach
    void fresh() {
        TestServices.resetVault();
        for (String db : List.of(PAIR, SHAPES)) {
            TestServices.sql("postgres", "DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
            TestServices.sqlOn(TestServices.targetPgPort(), "postgres", "DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
        }
    }

    /** Its databases must not end up in other tests' backups. */
    @AfterAll
    static void drop() {
        for (String db : List.of(PAIR, SHAPES)) {
            TestServices.sql("postgres", "DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
        }
    }

    /**
     * Item 4a. Tables a and b (about 1 MB each, so each gets a data stream of its own) while a writer adds one row
     * to each in one transaction, again and again, during the whole backup. Restored, they hold exactly as many
     * rows as each other, and a number strictly between the counts before and after the backup (the snapshot was
     * taken while the writer ran). For contrast, the test also dumps a and b with two pg_dump without a shared
     * snapshot while the writer runs and logs their counts (not asserted: that depends on timing). A measured run
     * (2 shared vCPUs, 2026-11-29): 3000 rows before, restored a=4159 and b=4159, 6791 after (3791 transactions
     * written); the two pg_dump without a shared snapshot, a moment later: a=6532, b=6689.
     */
    @Test
    void twoTablesWrittenInOneTransactionRestoreWithEqualCounts() throws Exception {
        TestServices.recreateDatabase(PAIR);
        TestServices.sql(PAIR, "CREATE TABLE a (id bigserial PRIMARY KEY, pad text)",
                "CREATE TABLE b (id bigserial PRIMARY KEY, pad text)",
                "INSERT INTO a (pad) SELECT repeat(md5(g::text), 8) FROM generate_series(1, 3000) g",
                "INSERT INTO b (pad) SELECT repeat(md5(g::text), 8) FROM generate_series(1, 3000) g");
        long before = count(TestServices.pgPort(), "a");
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong written = new AtomicLong();
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> write(stop, written));
        Manifest m;
        long[] separate;
        try {
            awaitWrites(written, 50);
            m = backups.backup(BackupType.FULL).manifest();
            separate = new long[] {copyRows("a"), copyRows("b")};
        } finally {
            stop.set(true);
            writer.get();
        }
        long after = count(TestServices.pgPort(), "a");
        assertSplit(m, PAIR);
        SplitKit.restore(m, vault);
        long restoredA = count(TestServices.targetPgPort(), "a");
        long restoredB = count(TestServices.targetPgPort(), "b");
        LOG.infof("consistency: before %d, restored a=%d b=%d, after %d (%d transactions written); two pg_dump "
                + "without a shared snapshot during the writes: a=%d b=%d", before, restoredA, restoredB, after,
                written.get(), separate[0], separate[1]);
        assertEquals(restoredA, restoredB, "a and b restored from one snapshot hold as many rows as each other");
        assertTrue(before < restoredA && restoredA < after, "the snapshot fell while the writer ran: " + before + " < "
                + restoredA + " < " + after);
    }

    private static void write(AtomicBoolean stop, AtomicLong written) {
        try (Connection c = TestServices.connect(TestServices.pgPort(), PAIR); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            for (int i = 0; i < 1_000_000 && !stop.get(); i++) { // bounded, and stopped after the backup
                st.execute("INSERT INTO a (pad) VALUES ('w')");
                st.execute("INSERT INTO b (pad) VALUES ('w')");
                c.commit();
                written.incrementAndGet();
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void awaitWrites(AtomicLong written, long n) throws InterruptedException {
        for (int i = 0; i < 600 && written.get() < n; i++) {
            Thread.sleep(50);
        }
        assertTrue(written.get() >= n, "the writer runs");
    }

    /** Rows of one table in a pg_dump of its own (no shared snapshot): COPY lines of its data section. */
    private static long copyRows(String table) {
        TestServices.Run r = TestServices.run(TestServices.pgPort(), null, Map.of("PGDATABASE", PAIR),
                TestServices.pgBin().resolve("pg_dump").toString(), "--no-password", "--section=data", "-t", table);
        assertEquals(0, r.exit(), r.stderr());
        String data = r.stdout().substring(r.stdout().indexOf("COPY public." + table));
        return data.substring(data.indexOf('\n') + 1, data.indexOf("\n\\.\n") + 1).lines().count();
    }

    static long count(int port, String table) {
        return Long.parseLong(SplitKit.query(port, PAIR, "SELECT count(*) FROM " + table));
    }

    /**
     * Item 4b. Partitioned tables (rows in leaf partitions, one of them large), inheritance, row-level security,
     * generated columns, large objects, sequences (serial, identity, a free one past its start) and a table whose
     * schema and name need quoting (a quote, a dot, upper case, non-ASCII), with parallelism 2 and 300 kB splits:
     * pg_dump of the source right after the backup and of the restored database are identical.
     */
    @Test
    void aSplitDatabaseRestoresIdenticalToItsSource() throws Exception {
        SplitKit.createShapes(SHAPES, ODD_SCHEMA, ODD_TABLE);
        Manifest m = backups.backup(BackupType.FULL).manifest();
        String source = TestServices.plainDump(TestServices.pgPort(), SHAPES);
        Manifest.DatabaseDump dump = assertSplit(m, SHAPES);
        // pg_restore -l shows names unquoted; the rows are in exactly one part, a table stream's (not the last,
        // rest-of-data part): its exact-quoted --table pattern matched it, and the rest's --exclude-table too.
        String oddData = SplitKit.partHolding(m, dump, "TABLE DATA " + ODD_SCHEMA + " " + ODD_TABLE + " ");
        List<Manifest.File> data = dump.stages().get(1);
        assertTrue(oddData.startsWith("data-") && !oddData.equals(data.get(data.size() - 1).part()),
                "the quoted table's rows are in a table stream's part: " + oddData);
        assertEquals("data-" + data.size(), SplitKit.partHolding(m, dump, "SEQUENCE SET public invoice_no "),
                "a free sequence's value is in the rest-of-data part");
        assertEquals("data-" + data.size(), SplitKit.partHolding(m, dump, "BLOBS "),
                "large objects' contents are in the rest-of-data part");
        SplitKit.restore(m, vault);
        assertEquals(source, TestServices.plainDump(TestServices.targetPgPort(), SHAPES));
        assertTrue(source.contains("CREATE POLICY") && source.contains("GENERATED ALWAYS AS")
                && source.contains("lo_open") && source.contains("ATTACH PARTITION") && source.contains("INHERITS"),
                "the fixture holds what it is meant to");
    }

    /**
     * Item 4d. A part's pg_dump is killed (SIGKILL) while it streams a 45 MB table of its own: the backup fails with
     * pg_dump's error naming the database and the part, and a HINT; it commits no manifest and leaves no file; and
     * the database's snapshot session is closed (none is left idle in its transaction).
     */
    @Test
    void aKilledPartFailsTheBackupAndClosesTheSnapshot() throws Exception {
        SplitKit.createShapes(SHAPES, ODD_SCHEMA, ODD_TABLE);
        TestServices.sql(SHAPES, "CREATE TABLE bulk AS SELECT g AS id, repeat(md5(g::text), 8) AS pad "
                + "FROM generate_series(1, 150000) g");
        CompletableFuture<Manifest> run = CompletableFuture.supplyAsync(() -> backups.backup(BackupType.FULL).manifest());
        ProcessHandle part = SplitKit.awaitPartDump(run, "--table=\"public\".\"bulk\"");
        part.destroyForcibly();
        Throwable failure = assertThrows(java.util.concurrent.ExecutionException.class, run::get).getCause();
        PgvaultException e = Errors.assertKind(ErrorKind.DUMP_FAILED, failure, "the backup fails with the part");
        assertTrue(e.render().contains("database \"" + SHAPES + "\" (part data-") && e.render().contains("signal 9"),
                e.render());
        assertTrue(e.hint() != null && !e.hint().isBlank(), e.render());
        assertEquals(List.of(), SplitKit.openSnapshotSessions(), "no snapshot session left in its transaction");
        assertTrue(vault.catalog("test-pg").isEmpty(), "no backup was committed");
        assertTrue(TestServices.vaultBlobs().stream().noneMatch(b -> b.contains("/databases/")),
                "no file of the failed backup is left: " + TestServices.vaultBlobs());
    }

    /**
     * Item 4c. verify with a test restore on a split backup: every part's table of contents is read back (a line
     * per file), and the parts are restored in order (pre-data, the data parts, post-data) into the scratch
     * database, which then holds the source's tables and rows.
     */
    @Test
    void verifyChecksEveryPartAndTestRestoresThePartsInOrder() throws Exception {
        SplitKit.createShapes(SHAPES, ODD_SCHEMA, ODD_TABLE);
        Manifest m = backups.backup(BackupType.FULL).manifest();
        Manifest.DatabaseDump dump = assertSplit(m, SHAPES);
        VerifyAccepted accepted = verifies.start(new VerifyRequest("test-pg", m.backupId(), true));
        JobRecord job = verifies.await("test-pg", List.of(accepted.verifyId()), Duration.ofMinutes(5)).get(0);
        assertEquals(JobRecord.SUCCEEDED, job.state(), () -> String.valueOf(job.error()));
        for (Manifest.File f : dump.files()) {
            assertTrue(job.progress().stream().anyMatch(p -> p.name().equals(f.path())
                    && JobRecord.SUCCEEDED.equals(p.state())), f.path() + " read back: " + job.progress());
        }
        String label = VerifyService.TEST_RESTORE + dump.files().get(0).path().replace(".pre-data.", ".") + " ("
                + dump.files().size() + " parts)";
        JobRecord.Progress line = job.progress().stream().filter(p -> p.name().equals(label)).findFirst()
                .orElseThrow(() -> new AssertionError(label + " missing: " + job.progress()));
        String tables = SplitKit.query(TestServices.pgPort(), SHAPES, "SELECT count(*) FROM pg_class c JOIN "
                + "pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND n.nspname NOT IN "
                + "('pg_catalog', 'information_schema')");
        String rows = SplitKit.query(TestServices.pgPort(), SHAPES, "SELECT (SELECT count(*) FROM ONLY measurements_2025)"
                + " + (SELECT count(*) FROM measurements_2026) + (SELECT count(*) FROM measurements_other)"
                + " + (SELECT count(*) FROM ONLY animals) + (SELECT count(*) FROM dogs) + (SELECT count(*) FROM secrets)"
                + " + (SELECT count(*) FROM " + TestServices.ident(ODD_SCHEMA) + "." + TestServices.ident(ODD_TABLE)
                + ") + (SELECT count(*) FROM small_tail)");
        assertEquals("restored " + tables + " table(s) with " + rows + " row(s) into pgvault_verify_scratch, then "
                + "dropped it", line.detail());
    }

    /** The database's dump is in parts: pre-data, at least two data parts, post-data; returned. */
    static Manifest.DatabaseDump assertSplit(Manifest m, String database) {
        Manifest.DatabaseDump dump = m.databaseDumps().stream().filter(d -> d.database().equals(database))
                .findFirst().orElseThrow();
        assertTrue(dump.split(), dump.toString());
        assertEquals(List.of(Manifest.PART_PRE_DATA), dump.stages().get(0).stream().map(Manifest.File::part).toList());
        assertTrue(dump.stages().get(1).size() >= 2, "several data parts: " + dump);
        assertEquals(List.of(Manifest.PART_POST_DATA), dump.stages().get(2).stream().map(Manifest.File::part).toList());
        assertFalse(m.databaseDumps().stream().filter(d -> d.database().equals("postgres")).anyMatch(d -> d.split()
                && d.files().size() < 3), "every split database has all its parts");
        return dump;
    }
}
