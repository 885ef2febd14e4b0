package io.pgvault.backup;

import io.pgvault.restore.RestoreKit;
import io.pgvault.testing.TestServices;
import io.pgvault.vault.BackupLayout;
import io.pgvault.vault.Manifest;
import io.pgvault.vault.VaultStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What the split tests share: the fixture of many shapes, the kit restore, looking into parts. */
final class SplitKit {

    private SplitKit() {
    }

    /**
     * A database of about 2 MB: a range-partitioned table (one large partition, one small, a default one), an
     * inheritance parent and child, a table with row-level security and a policy, generated columns, two large
     * objects, serial and identity columns and a free sequence past its start, and a large table whose schema and
     * name need quoting.
     */
    static void createShapes(String db, String oddSchema, String oddTable) {
        TestServices.recreateDatabase(db);
        String odd = TestServices.ident(oddSchema) + "." + TestServices.ident(oddTable);
        TestServices.sql(db,
                "CREATE TABLE measurements (id bigint GENERATED ALWAYS AS IDENTITY, at date NOT NULL, v numeric,"
                        + " doubled numeric GENERATED ALWAYS AS (v * 2) STORED) PARTITION BY RANGE (at)",
                "CREATE TABLE measurements_2025 PARTITION OF measurements FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')",
                "CREATE TABLE measurements_2026 PARTITION OF measurements FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')",
                "CREATE TABLE measurements_other PARTITION OF measurements DEFAULT",
                "INSERT INTO measurements (at, v) SELECT date '2025-01-01' + (g % 365), g FROM generate_series(1, 12000) g",
                "INSERT INTO measurements (at, v) SELECT date '2026-03-01', g FROM generate_series(1, 50) g",
                "INSERT INTO measurements (at, v) VALUES ('2030-01-01', 1)",
                "CREATE INDEX ON measurements (at)",
                "CREATE TABLE animals (id serial PRIMARY KEY, name text)",
                "CREATE TABLE dogs (good boolean DEFAULT true) INHERITS (animals)",
                "INSERT INTO animals (name) SELECT 'animal ' || g FROM generate_series(1, 100) g",
                "INSERT INTO dogs (name) SELECT 'dog ' || g FROM generate_series(1, 50) g",
                "CREATE TABLE secrets (owner_name text, secret text)",
                "INSERT INTO secrets SELECT 'user' || (g % 3), md5(g::text) FROM generate_series(1, 300) g",
                "ALTER TABLE secrets ENABLE ROW LEVEL SECURITY",
                "CREATE POLICY own_rows ON secrets USING (owner_name = current_user)",
                "SELECT lo_from_bytea(0, convert_to(repeat('large object one ', 500), 'UTF8'))",
                "SELECT lo_from_bytea(0, decode(repeat('00ff', 2000), 'hex'))",
                "CREATE SEQUENCE invoice_no START 500",
                "SELECT setval('invoice_no', 777)",
                "CREATE SCHEMA " + TestServices.ident(oddSchema),
                "CREATE TABLE " + odd + " (\"Key\" int PRIMARY KEY, body text)",
                "INSERT INTO " + odd + " SELECT g, repeat(md5(g::text), 10) FROM generate_series(1, 2500) g",
                "CREATE TABLE small_tail (k int)", "INSERT INTO small_tail VALUES (1), (2)",
                "ANALYZE");
    }

    /**
     * Restores a backup as a DBA does with its kit: every file of the backup's folder plus the kit pgvault writes
     * for it (RestoreKit, as the restore API does), then {@code restore.sh --jobs 3} into the restore target.
     * Databases of the backup other than postgres are dropped on the target first.
     */
    static void restore(Manifest m, VaultStore vault) throws IOException {
        Path dir = Files.createTempDirectory("pgvault-split-kit");
        String prefix = BackupLayout.backupPrefix(m.server(), m.backupId());
        byte[] roles = null;
        for (Manifest.File f : m.files()) {
            Path file = dir.resolve(f.path());
            Files.createDirectories(file.getParent());
            TestServices.vaultContainer().getBlobClient(prefix + f.path()).downloadToFile(file.toString(), true);
            roles = f.path().equals("roles.sql") ? Files.readAllBytes(file) : roles;
        }
        for (Map.Entry<String, byte[]> kit : RestoreKit.files(m, roles).entrySet()) {
            Files.write(dir.resolve(kit.getKey()), kit.getValue());
        }
        for (Manifest.DatabaseDump d : m.databaseDumps()) {
            if (!d.database().equals("postgres")) {
                TestServices.sqlOn(TestServices.targetPgPort(), "postgres",
                        "DROP DATABASE IF EXISTS " + TestServices.ident(d.database()) + " WITH (FORCE)");
            }
        }
        TestServices.Run run = TestServices.run(TestServices.targetPgPort(), dir, Map.of(), "bash", "restore.sh",
                "--jobs", "3");
        assertEquals(0, run.exit(), "restore.sh failed: " + run.stdout() + run.stderr());
    }

    /** The part ({@code Manifest.File.part}) of a split database whose archive lists {@code entry} (pg_restore -l). */
    static String partHolding(Manifest m, Manifest.DatabaseDump dump, String entry) throws IOException {
        String prefix = BackupLayout.backupPrefix(m.server(), m.backupId());
        List<String> found = new ArrayList<>();
        for (Manifest.File f : dump.files()) {
            Path file = Files.createTempFile("pgvault-part", ".dump");
            byte[] stored = TestServices.vaultContainer().getBlobClient(prefix + f.path()).downloadContent().toBytes();
            if (f.compression().startsWith("zstd")) { // streamed frames carry no content size
                try (var in = new com.github.luben.zstd.ZstdInputStream(new java.io.ByteArrayInputStream(stored))) {
                    stored = in.readAllBytes();
                }
            }
            Files.write(file, stored);
            TestServices.Run list = TestServices.run(TestServices.pgPort(), null, Map.of(),
                    TestServices.pgBin().resolve("pg_restore").toString(), "-l", file.toString());
            if (list.stdout().lines().anyMatch(l -> l.contains(entry))) {
                found.add(f.part());
            }
        }
        assertEquals(1, found.size(), entry + " is in exactly one part: " + found);
        return found.get(0);
    }

    /**
     * The pg_dump of a running backup (a descendant of this JVM) whose arguments include {@code argument}, as soon
     * as it has started; fails if the backup ends first or none starts within a minute.
     */
    static ProcessHandle awaitPartDump(java.util.concurrent.Future<?> backup, String argument) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(1);
        while (System.nanoTime() < deadline && !backup.isDone()) {
            java.util.Optional<ProcessHandle> p = ProcessHandle.current().descendants()
                    .filter(h -> h.info().command().map(c -> c.endsWith("/pg_dump")).orElse(false))
                    .filter(h -> List.of(h.info().arguments().orElse(new String[0])).contains(argument))
                    .findFirst();
            if (p.isPresent()) {
                return p.get();
            }
            Thread.sleep(2);
        }
        throw new AssertionError("no pg_dump with " + argument + " started while the backup ran");
    }

    static String query(int port, String db, String sql) {
        try (Connection c = TestServices.connect(port, db); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** pgvault's snapshot sessions still in their transaction on the source server. */
    static List<String> openSnapshotSessions() {
        List<String> open = new ArrayList<>();
        try (Connection c = TestServices.connect(TestServices.pgPort(), "postgres"); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT pid || ' ' || datname FROM pg_stat_activity WHERE application_name"
                        + " = 'pgvault-snapshot' AND state LIKE 'idle in transaction%'")) {
            while (rs.next()) {
                open.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return open;
    }
}
