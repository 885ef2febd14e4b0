package io.pgvault.restore.server;

import io.pgvault.jobs.JobContext;
import io.pgvault.restore.server.ServerRestoreReport.RestoreError;
import io.pgvault.vault.Manifest;
import io.pgvault.vault.VaultStore;
import io.pgvault.verify.FileReadBack;
import io.pgvault.verify.PgRestoreFeed;

import java.io.IOException;
import java.io.InputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Loads one database's dump files into an existing target database: stage after stage, the files of a stage in
 * parallel (a split database's data parts), each streamed from the vault, zstd-decompressed on the way, into
 * {@code pg_restore} through its stdin — no local copy. pg_restore goes on after an error; its errors are
 * collected ({@link PgRestoreErrors}). Each file's SHA-256 is computed on the way and compared with the manifest
 * at its end: a file changed in the vault is reported, naming it.
 */
final class DatabaseLoad {

    private static final Duration TIMEOUT = Duration.ofHours(12);
    /** At most this many files of one stage run at once. */
    private static final int PARALLEL = 4;

    private final VaultStore vault;
    private final TargetServer target;
    private final String prefix;

    DatabaseLoad(VaultStore vault, TargetServer target, String prefix) {
        this.vault = vault;
        this.target = target;
        this.prefix = prefix;
    }

    /** Loads every stage of {@code dump}; {@code clean}: pg_restore drops each object first (postgres, Overwrite). */
    long load(Manifest.DatabaseDump dump, boolean clean, PgRestoreErrors errors) {
        long bytes = 0;
        for (List<Manifest.File> stage : dump.stages()) {
            if (stage.size() == 1) {
                bytes += file(dump.database(), stage.get(0), clean, errors);
            } else {
                bytes += parallel(dump.database(), stage, clean, errors);
            }
        }
        return bytes;
    }

    private long parallel(String db, List<Manifest.File> stage, boolean clean, PgRestoreErrors errors) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(PARALLEL, stage.size()));
        try {
            List<Future<Long>> running = new ArrayList<>();
            for (Manifest.File f : stage) {
                running.add(pool.submit(JobContext.wrap(() -> file(db, f, clean, errors))));
            }
            long bytes = 0;
            for (Future<Long> r : running) {
                bytes += r.get();
            }
            return bytes;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while restoring " + db, e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /** Streams one file into pg_restore; returns the bytes read from the vault. */
    private long file(String db, Manifest.File f, boolean clean, PgRestoreErrors errors) {
        MessageDigest sha = sha256();
        long[] read = {0};
        List<String> args = new ArrayList<>(List.of("--dbname=postgresql://", "--no-password"));
        if (clean) {
            args.addAll(List.of("--clean", "--if-exists"));
        }
        try (InputStream stored = vault.openFile(prefix + f.path()).orElseThrow(() -> new IOException(f.path()
                + " is missing from the vault")); InputStream counted = counting(new DigestInputStream(stored, sha), read);
                InputStream archive = FileReadBack.decompressed(counted, f.compression())) {
            PgRestoreFeed.Result r = PgRestoreFeed.run(target.command(db, "pg_restore", args), archive, TIMEOUT,
                    errors.of(f.path()));
            counted.transferTo(java.io.OutputStream.nullOutputStream()); // the rest, for the checksum
            if (r.exit() != 0 && errors.isEmpty() || r.inputError() != null) {
                errors.add(new RestoreError("pg_restore failed on " + f.path() + ".", r.problem(),
                        "Read pg_restore's message; if the stream could not be read, check the vault and restore again"
                                + " with recoveryOption Overwrite."));
            }
        } catch (IOException e) {
            errors.add(new RestoreError("Could not read " + f.path() + " from the vault.", e.getMessage(),
                    "Check the vault (bin/pgvault verify names damaged or missing files) and restore again with"
                            + " recoveryOption Overwrite, or restore another backup."));
            return read[0];
        }
        checkHash(f, HexFormat.of().formatHex(sha.digest()), read[0], errors);
        return read[0];
    }

    private static void checkHash(Manifest.File f, String sha, long bytes, PgRestoreErrors errors) {
        if (bytes != f.bytes() || !sha.equals(f.sha256())) {
            errors.add(new RestoreError(f.path() + " does not match its manifest: what was restored from it may be"
                    + " wrong or incomplete.", "manifest: " + f.bytes() + " bytes, sha256 " + f.sha256() + "; vault: "
                    + bytes + " bytes, sha256 " + sha, "The vault copy was changed or damaged after the backup: drop"
                    + " this database on the target, run bin/pgvault verify, and restore another backup."));
        }
    }

    private static InputStream counting(InputStream in, long[] read) {
        return new java.io.FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    read[0]++;
                }
                return b;
            }

            @Override
            public int read(byte[] buf, int off, int len) throws IOException {
                int n = super.read(buf, off, len);
                if (n > 0) {
                    read[0] += n;
                }
                return n;
            }
        };
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
