package io.pgvault.testing;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.sas.BlobContainerSasPermission;
import com.azure.storage.blob.sas.BlobServiceSasSignatureValues;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * The real services the tests run against — the PostgreSQL servers and Azurite that scripts/services.sh
 * started — and small helpers to drive them (SQL, the PostgreSQL client tools, the vault container).
 */
public final class TestServices {

    private TestServices() {
    }

    public static String env(String name) {
        String v = System.getenv(name);
        if (v == null || v.isBlank()) {
            throw new IllegalStateException(name + " is not set: run the tests with scripts/test.sh, which starts "
                    + "PostgreSQL and Azurite and exports their settings");
        }
        return v;
    }

    public static int pgPort() {
        return Integer.parseInt(env("PGVAULT_PG_PORT"));
    }

    public static int targetPgPort() {
        return Integer.parseInt(env("PGVAULT_TARGET_PG_PORT"));
    }

    public static String password() {
        return env("PGVAULT_PG_PASSWORD");
    }

    public static Path pgBin() {
        return Path.of(env("PGVAULT_PG_BIN"));
    }

    /** An admin JDBC connection to a database of the server on {@code port}. */
    public static Connection connect(int port, String database) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("password", password());
        p.setProperty("PGDBNAME", database);
        // the driver itself: DriverManager finds no driver for a test class loaded after a Quarkus restart
        return new org.postgresql.Driver().connect("jdbc:postgresql://127.0.0.1:" + port + "/", p);
    }

    /** Runs SQL statements (one per string) in a database of the main test server. */
    public static void sql(String database, String... statements) {
        sqlOn(pgPort(), database, statements);
    }

    public static void sqlOn(int port, String database, String... statements) {
        try (Connection c = connect(port, database); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed on port " + port + " db " + database + ": " + e.getMessage(), e);
        }
    }

    /** The first column of the first row of {@code query} on the server at {@code port}, as text (null: no row). */
    public static String queryOn(int port, String database, String query) {
        try (Connection c = connect(port, database); Statement st = c.createStatement();
                java.sql.ResultSet rs = st.executeQuery(query)) {
            return rs.next() ? rs.getString(1) : null;
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed on port " + port + " db " + database + ": " + e.getMessage(), e);
        }
    }

    /** Quotes an identifier for SQL. */
    public static String ident(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    /** Drops (if present) and creates a database on the main test server. */
    public static void recreateDatabase(String name) {
        sql("postgres", "DROP DATABASE IF EXISTS " + ident(name) + " WITH (FORCE)", "CREATE DATABASE " + ident(name));
    }

    /** Result of a tool run. */
    public record Run(int exit, String stdout, String stderr) {
    }

    /** Runs a command with the libpq environment pointing at {@code port}; bounded to 5 minutes. */
    public static Run run(int port, Path workDir, Map<String, String> extraEnv, String... command) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command);
            if (workDir != null) {
                pb.directory(workDir.toFile());
            }
            Map<String, String> env = pb.environment();
            env.put("PGHOST", "127.0.0.1");
            env.put("PGPORT", Integer.toString(port));
            env.put("PGUSER", "postgres");
            env.put("PGPASSWORD", password());
            env.put("PATH", pgBin() + ":" + System.getenv("PATH"));
            env.putAll(extraEnv);
            Path out = java.nio.file.Files.createTempFile("pgvault-run", ".out");
            Path err = java.nio.file.Files.createTempFile("pgvault-run", ".err");
            pb.redirectOutput(out.toFile()).redirectError(err.toFile());
            Process p = pb.start();
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + String.join(" ", command));
            }
            return new Run(p.exitValue(), java.nio.file.Files.readString(out, StandardCharsets.UTF_8),
                    java.nio.file.Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Plain pg_dump of a database, for comparing source and restored content. */
    public static String plainDump(int port, String database) {
        Run r = run(port, null, Map.of("PGDATABASE", database), pgBin().resolve("pg_dump").toString(),
                "--no-password", "--format=plain");
        if (r.exit() != 0) {
            throw new IllegalStateException("pg_dump of " + database + " on " + port + " failed: " + r.stderr());
        }
        // The restrict and unrestrict meta-commands carry a random key per dump (pg_dump 15.14+); the rest must match.
        return r.stdout().replaceAll("(?m)^\\\\(un)?restrict .*$", "");
    }

    public static BlobServiceClient blobService() {
        return new BlobServiceClientBuilder().connectionString(env("PGVAULT_VAULT_CONNECTION_STRING")).buildClient();
    }

    public static BlobContainerClient vaultContainer() {
        return blobService().getBlobContainerClient(env("PGVAULT_VAULT_CONTAINER"));
    }

    /** Empties the vault container, so each test starts with no backup, claim or job. */
    public static void resetVault() {
        deleteVaultBlobs("");
    }

    /** Deletes every vault blob under {@code prefix}; a leased week claim's lease is broken first. */
    public static void deleteVaultBlobs(String prefix) {
        BlobContainerClient c = vaultContainer();
        c.createIfNotExists();
        for (BlobItem item : c.listBlobs(new ListBlobsOptions().setPrefix(prefix.isEmpty() ? null : prefix), null)) {
            var blob = c.getBlobClient(item.getName());
            try {
                blob.deleteIfExists();
            } catch (RuntimeException e) {
                // a leased week claim: break the lease, then delete
                new com.azure.storage.blob.specialized.BlobLeaseClientBuilder().blobClient(blob).buildClient().breakLease();
                blob.deleteIfExists();
            }
        }
    }

    /** Names of every blob in the vault container. */
    public static List<String> vaultBlobs() {
        List<String> names = new ArrayList<>();
        vaultContainer().listBlobs().forEach(b -> names.add(b.getName()));
        return names;
    }

    /**
     * The restore-target storage account: a second account of the same Azurite (scripts/services.sh), since
     * pgvault never restores into the vault's own account.
     */
    public static BlobServiceClient targetService() {
        return new BlobServiceClientBuilder().connectionString(env("PGVAULT_TARGET_CONNECTION_STRING")).buildClient();
    }

    /** A container of the restore-target account. */
    public static BlobContainerClient targetContainer(String name) {
        return targetService().getBlobContainerClient(name);
    }

    /**
     * A new, empty container in the restore-target account; returns its URL with a SAS (read, create, write,
     * list; 4 hours), as a user hands one to a restore.
     */
    public static String newTargetContainer(String name) {
        targetContainer(name).createIfNotExists();
        return targetUrl(name);
    }

    /** The URL of a target container with a SAS (read, create, write, list; 4 hours). */
    public static String targetUrl(String name) {
        return targetUrlWith(name, new BlobContainerSasPermission().setReadPermission(true).setCreatePermission(true)
                .setWritePermission(true).setListPermission(true), OffsetDateTime.now().plusHours(4));
    }

    /** Just the SAS (read, create, write, list; 4 hours) of a target container, for URLs through a relay. */
    public static String targetSas(String name) {
        return targetContainer(name).generateSas(new BlobServiceSasSignatureValues(OffsetDateTime.now().plusHours(4),
                new BlobContainerSasPermission().setReadPermission(true).setCreatePermission(true)
                        .setWritePermission(true).setListPermission(true)));
    }

    /** The URL of a target container with a SAS of these permissions and expiry. */
    public static String targetUrlWith(String name, BlobContainerSasPermission permissions, OffsetDateTime expiry) {
        BlobContainerClient c = targetContainer(name);
        return c.getBlobContainerUrl() + "?" + c.generateSas(new BlobServiceSasSignatureValues(expiry, permissions));
    }

    /** The URL of a target container without a SAS (the app's identity would have to write to it). */
    public static String targetUrlWithoutSas(String name) {
        return env("PGVAULT_TARGET_BLOB_ENDPOINT") + "/" + name;
    }

    /**
     * Downloads every blob under {@code prefix} of a restore-target container into a new temp directory (the
     * restored backup with its kit, as a DBA fetches it); fails the test if there is none.
     */
    public static Path downloadTarget(String container, String prefix) throws IOException {
        BlobContainerClient c = targetContainer(container);
        Path dir = java.nio.file.Files.createTempDirectory("pgvault-restored");
        int n = 0;
        for (BlobItem item : c.listBlobs(new ListBlobsOptions().setPrefix(prefix), null)) {
            Path file = dir.resolve(item.getName().substring(prefix.length()));
            java.nio.file.Files.createDirectories(file.getParent());
            c.getBlobClient(item.getName()).downloadToFile(file.toString(), true);
            n++;
        }
        if (n == 0) {
            throw new AssertionError("nothing restored under " + prefix + " in target container " + container);
        }
        return dir;
    }
}
