package io.pgvault.drill;

import com.github.luben.zstd.ZstdInputStream;
import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import io.pgvault.postgres.PgTools;
import io.pgvault.vault.BackupLayout;
import io.pgvault.vault.Manifest;
import io.pgvault.vault.VaultStore;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What a database's dump holds besides its tables, read from the dump itself ({@code pg_restore --list} of its
 * table of contents, streamed from the vault; pg_restore reads only the header and the TOC, so only the first
 * blocks of each file are fetched): its sequences and its large objects. The drill checks the restored database
 * against this, not against the source server (which has changed since).
 */
final class DumpContents {

    /**
     * A dump's sequences (each as the TOC prints it after {@code SEQUENCE}: schema, name and owner, separated by
     * spaces) and the number of its large objects ({@code BLOB} entries, as pg_dump 15 writes one per object).
     */
    record Contents(List<String> sequences, int largeObjects) {
    }

    private DumpContents() {
    }

    /** The contents of every file of one database (a split one's parts together). */
    static Contents of(VaultStore vault, PgTools tools, String server, String backupId, Manifest.DatabaseDump db) {
        List<String> sequences = new ArrayList<>();
        int blobs = 0;
        for (Manifest.File f : db.files()) {
            for (String line : toc(vault, tools, BackupLayout.backupPrefix(server, backupId) + f.path(), f.compression())) {
                // "<id>; <catalog oid> <oid> <kind> <schema> <name> <owner>"
                String entry = line.replaceFirst("^\\d+; \\d+ \\d+ ", "");
                if (entry.startsWith("SEQUENCE ") && !entry.startsWith("SEQUENCE SET ")
                        && !entry.startsWith("SEQUENCE OWNED BY ")) {
                    sequences.add(entry.substring("SEQUENCE ".length()));
                } else if (entry.startsWith("BLOB ")) {
                    blobs++;
                }
            }
        }
        return new Contents(List.copyOf(sequences), blobs);
    }

    /** The TOC lines of one stored dump. */
    private static List<String> toc(VaultStore vault, PgTools tools, String path, String compression) {
        InputStream stored = vault.openFile(path).orElseThrow(() -> new PgvaultException(ErrorKind.INTEGRITY,
                "A file of the drilled backup is missing from the vault.", path,
                "The backup is damaged: take a new backup, and keep this one's folder for investigation."));
        ProcessBuilder pb = tools.command("postgres", "pg_restore", List.of("--list"))
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        try (InputStream in = compression != null && compression.startsWith("zstd") ? new ZstdInputStream(stored) : stored) {
            Process p = pb.start();
            Thread feeder = new Thread(() -> feed(in, p.getOutputStream()), "pgvault-drill-toc");
            feeder.setDaemon(true);
            feeder.start();
            List<String> lines = new ArrayList<>();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                r.lines().filter(l -> !l.startsWith(";") && !l.isBlank()).forEach(lines::add);
            }
            if (!p.waitFor(1, TimeUnit.HOURS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw unreadable(path, "pg_restore --list did not read it");
            }
            return lines;
        } catch (IOException e) {
            throw unreadable(path, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unreadable(path, "interrupted");
        }
    }

    private static void feed(InputStream in, OutputStream stdin) {
        try (stdin) {
            in.transferTo(stdin);
        } catch (IOException stopped) {
            // pg_restore --list stops reading after the TOC: the rest of the file is not needed
        }
    }

    private static PgvaultException unreadable(String path, String why) {
        return new PgvaultException(ErrorKind.INTEGRITY, "The table of contents of a drilled dump could not be read.",
                path + ": " + why, "The file is damaged: run bin/pgvault verify on the backup, and take a new backup.");
    }
}
