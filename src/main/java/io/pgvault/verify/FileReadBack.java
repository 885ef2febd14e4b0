package io.pgvault.verify;

import com.github.luben.zstd.ZstdInputStream;
import io.pgvault.config.PgvaultConfig;
import io.pgvault.errors.PgvaultException;
import io.pgvault.postgres.PgTools;
import io.pgvault.vault.Manifest;
import io.pgvault.vault.Sha256;
import io.pgvault.vault.VaultStore;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads one file of a backup back from the vault, once: its size and SHA-256 against the manifest, and for a
 * database dump its table of contents through {@code pg_restore --list}.
 */
@ApplicationScoped
public class FileReadBack {

    private static final Duration PG_RESTORE_TIMEOUT = Duration.ofHours(12);

    private final PgvaultConfig config;
    private final VaultStore vault;
    private final PgTools tools;

    public FileReadBack(PgvaultConfig config, VaultStore vault, PgTools tools) {
        this.config = config;
        this.vault = vault;
        this.tools = tools;
    }

    /** What reading one file back found. */
    record FileCheck(long bytes, String problem) {
        boolean ok() {
            return problem == null;
        }
    }

    /** Reads a file back; a damaged file is a {@link FileCheck} with its problem, a vault outage an exception. */
    FileCheck check(String prefix, Manifest.File f) {
        Optional<InputStream> stored = vault.openFile(prefix + f.path());
        if (stored.isEmpty()) {
            return new FileCheck(0, "missing from the vault");
        }
        List<String> problems = new ArrayList<>();
        Sha256.Reading in = new Sha256.Reading(stored.get());
        try (in) {
            if (Manifest.File.KIND_DATABASE.equals(f.kind())) {
                tableOfContents(in, f).ifPresent(problems::add);
            }
            in.transferTo(OutputStream.nullOutputStream()); // the rest, for size and checksum
        } catch (IOException | RuntimeException e) {
            if (e instanceof PgvaultException p) {
                throw p; // the vault could not be read: not a finding about the file
            }
            problems.add("could not be read to the end: " + e.getMessage());
        }
        List<String> found = new ArrayList<>();
        if (in.bytes() != f.bytes()) {
            found.add("size " + in.bytes() + " bytes, manifest says " + f.bytes()
                    + (in.bytes() < f.bytes() ? " (truncated)" : ""));
        }
        String sha = in.sha256();
        if (!sha.equals(f.sha256())) {
            found.add("sha256 " + sha + ", manifest says " + f.sha256());
        }
        found.addAll(problems);
        return new FileCheck(in.bytes(), found.isEmpty() ? null : String.join("; ", found));
    }

    /** The problem pg_restore found in a dump's table of contents, if any. */
    private Optional<String> tableOfContents(InputStream in, Manifest.File f) throws IOException {
        PgRestoreFeed.Result toc = PgRestoreFeed.run(
                tools.command(config.pg().database(), "pg_restore", List.of("--list")),
                decompressed(in, f.compression()), PG_RESTORE_TIMEOUT);
        return !toc.ok() || !toc.archiveHeader()
                ? Optional.of("table of contents unreadable (" + toc.problem() + ")")
                : Optional.empty();
    }

    /**
     * The custom archive inside a stored dump: zstd-compressed by pgvault, or as pg_dump wrote it. Closing it
     * leaves {@code stored} open. Public for the restore into a server.
     */
    public static InputStream decompressed(InputStream stored, String compression) throws IOException {
        // Never closing the stored stream here: the caller keeps reading it to its end for the checksum.
        InputStream unclosable = new FilterInputStream(stored) {
            @Override
            public void close() {
            }
        };
        if (compression != null && compression.toLowerCase().startsWith("zstd")) {
            return new ZstdInputStream(unclosable);
        }
        return unclosable;
    }
}
