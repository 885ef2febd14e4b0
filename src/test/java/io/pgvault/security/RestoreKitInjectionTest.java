package io.pgvault.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgvault.backup.BackupService;
import io.pgvault.matrix.BackupType;
import io.pgvault.testing.TestServices;
import io.pgvault.restore.RestoreKit;
import io.pgvault.vault.BackupLayout;
import io.pgvault.vault.Manifest;
import io.pgvault.vault.ManifestCheck;
import io.pgvault.vault.WeekClaims;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static io.pgvault.security.Restores.literal;
import static io.pgvault.security.Restores.query;
import static io.pgvault.testing.TestServices.ident;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SQL injection through role names into the restore kit (security issue, item 2). On the source server, roles
 * whose quoted names carry SQL after a line break, as pg_dumpall writes them; then the real backup (pg_dumpall
 * --globals-only), the real restore API, and the kit's restore.sh into the empty "restore target" server. The old
 * line-based awk read {@code "replicationX} as the reserved role {@code replication}, dropped that line only, and
 * the next line ran as SQL of its own; a GRANT of a reserved role was dropped the same way, line by line.
 *
 * <p>Chosen behaviour: such a role is restored exactly, under its odd name — pg_dumpall's quoting is correct, and
 * the kit now reads it as psql does, so the name is only ever a name. Refusing at restore time would make old
 * backups unrestorable for no gain (new backups refuse these names at backup time). A roles.sql that cannot be read
 * that way (an odd number of quotes) stops the restore with an error naming roles.sql.
 */
@QuarkusTest
class RestoreKitInjectionTest {

    static final String VICTIM = "sec_bob";
    /** Read as "replication" by the awk: its first line was dropped and the GRANT ran. */
    static final String AS_RESERVED = "replicationX\nGRANT pg_execute_server_program TO " + VICTIM + ";--";
    /** An ordinary odd name with a setting and a membership: ALTER ROLE ... SET and GRANT lines span two lines. */
    static final String ODD = "sec_x\nALTER ROLE " + VICTIM + " SUPERUSER;--";
    /** Granted the reserved role "replication": the awk dropped the GRANT's first line, the second ran. */
    static final String GRANTEE = "sec_y\nALTER ROLE " + VICTIM + " SUPERUSER;--";
    static final String GROUP = "sec_grp";
    /** The role restore.sh connects as on the target: a superuser there, a plain role on the source. */
    static final String ADMIN = "sec admin's \\ \"boss\"";
    static final String ADMIN_PASSWORD = "sec-admin-pw";
    static final List<String> ROLES = List.of(AS_RESERVED, ODD, GRANTEE, GROUP, VICTIM, ADMIN, "replication");

    @Inject
    BackupService backups;

    @Inject
    ObjectMapper json;

    @AfterEach
    void cleanUp() throws Exception {
        Restores.dropUserDatabases(TestServices.targetPgPort());
        for (int port : List.of(TestServices.pgPort(), TestServices.targetPgPort())) {
            for (String role : ROLES) {
                TestServices.sqlOn(port, "postgres", "DROP ROLE IF EXISTS " + ident(role));
            }
        }
    }

    void createHostileRoles() throws Exception {
        cleanUp();
        TestServices.sql("postgres",
                "CREATE ROLE " + VICTIM + " LOGIN",
                "CREATE ROLE " + ident(AS_RESERVED),
                "CREATE ROLE " + ident(ODD) + " LOGIN",
                "ALTER ROLE " + ident(ODD) + " SET work_mem = '4MB'",
                "CREATE ROLE " + GROUP,
                "GRANT " + GROUP + " TO " + ident(ODD),
                "CREATE ROLE replication",
                "CREATE ROLE " + ident(GRANTEE),
                "GRANT replication TO " + ident(GRANTEE),
                "CREATE ROLE " + ident(ADMIN) + " LOGIN NOSUPERUSER");
        TestServices.sqlOn(TestServices.targetPgPort(), "postgres",
                "CREATE ROLE " + ident(ADMIN) + " LOGIN SUPERUSER PASSWORD " + literal(ADMIN_PASSWORD));
    }

    @Test
    void injectedSqlInRoleNamesNeverRunsAndTheRolesComeBackUnderTheirOwnNames() throws Exception {
        createHostileRoles();
        byte[] roles = pgDumpallGlobals();
        String text = new String(roles, StandardCharsets.UTF_8);
        // the attack is really in the file: pg_dumpall put the payload at the start of a line
        assertTrue(text.contains("CREATE ROLE \"replicationX\nGRANT pg_execute_server_program TO sec_bob;--\";"), text);
        assertTrue(text.contains("GRANT replication TO \"sec_y\nALTER ROLE sec_bob SUPERUSER;--\""), text);

        Path dir = kit(roles);
        var run = TestServices.run(TestServices.targetPgPort(), dir, Map.of("PGUSER", ADMIN, "PGPASSWORD",
                ADMIN_PASSWORD), "bash", "restore.sh");
        assertEquals(0, run.exit(), "restore.sh failed:\n" + run.stdout() + run.stderr());
        assertNoSqlError(run.stdout() + run.stderr());
        assertNothingInjected("restore.sh");
        int target = TestServices.targetPgPort();
        for (String role : List.of(AS_RESERVED, ODD, GRANTEE)) {
            assertEquals("1", query(target, "SELECT count(*) FROM pg_roles WHERE rolname = " + literal(role)
                    + " AND NOT rolsuper"), "restored under its exact name: " + role.replace("\n", "\\n"));
        }
        assertEquals("work_mem=4MB", query(target, "SELECT c FROM pg_db_role_setting s JOIN pg_roles r "
                + "ON r.oid = s.setrole, unnest(s.setconfig) c WHERE r.rolname = " + literal(ODD)),
                "the odd role's setting is restored");
        assertEquals("1", memberships(GROUP, ODD), "the odd role's membership is restored");
        assertEquals("0", query(target, "SELECT count(*) FROM pg_roles WHERE rolname = 'replication'"),
                "the reserved role itself is still left out");
        assertEquals("t", query(target, "SELECT rolsuper FROM pg_roles WHERE rolname = " + literal(ADMIN)),
                "the role restore.sh connects as was not altered (it is NOSUPERUSER in roles.sql)");
        assertEquals("t", query(target, "SELECT rolsuper FROM pg_roles WHERE oid = 10"),
                "the target's bootstrap superuser was not altered (roles.managed.sql has it NOSUPERUSER)");

        // the self-managed variant runs the same statements with the attributes kept: still no injection
        var keep = TestServices.run(target, dir, Map.of("PGUSER", ADMIN, "PGPASSWORD", ADMIN_PASSWORD),
                "psql", "-X", "-q", "-d", "postgres", "-f", "roles.keep-superuser.sql");
        assertEquals(0, keep.exit(), keep.stdout() + keep.stderr());
        assertNoSqlError(keep.stdout() + keep.stderr());
        assertNothingInjected("roles.keep-superuser.sql");
        assertEquals("t", query(target, "SELECT rolsuper FROM pg_roles WHERE rolname = " + literal(ADMIN)));
    }

    @Test
    void aRolesSqlWithAnOddNumberOfQuotesStopsTheRestoreNamingRolesSql() throws Exception {
        cleanUp();
        TestServices.resetVault();
        Manifest m = backups.backup(BackupType.FULL).manifest();
        // an attacker who can write to the vault changes roles.sql and the hash in the manifest to match
        String tampered = rolesSql(m) + "CREATE ROLE \"sec_unclosed;\nALTER ROLE " + VICTIM + " SUPERUSER;\n";
        byte[] bytes = tampered.getBytes(StandardCharsets.UTF_8);
        String prefix = Restores.SERVER + "/" + m.backupId() + "/";
        TestServices.vaultContainer().getBlobClient(prefix + "roles.sql").upload(
                com.azure.core.util.BinaryData.fromBytes(bytes), true);
        ObjectNode doc = (ObjectNode) json.readTree(TestServices.vaultContainer().getBlobClient(prefix + "manifest.json")
                .downloadContent().toBytes());
        for (var f : doc.withArray("files")) {
            if ("roles.sql".equals(f.get("path").asText())) {
                ((ObjectNode) f).put("bytes", bytes.length).put("sha256", HexFormat.of().formatHex(
                        MessageDigest.getInstance("SHA-256").digest(bytes))).put("md5", Base64.getEncoder()
                        .encodeToString(MessageDigest.getInstance("MD5").digest(bytes)));
            }
        }
        TestServices.vaultContainer().getBlobClient(prefix + "manifest.json").upload(
                com.azure.core.util.BinaryData.fromBytes(json.writeValueAsBytes(doc)), true);

        String container = Restores.newContainer("sec-odd");
        String message = Restores.assertRefused(Restores.post(m.backupId(), container), 500, "integrity", "roles.sql");
        assertTrue(message.contains("unterminated quoted identifier"), message);
        int line = tampered.split("\n", -1).length - 2;
        assertTrue(message.contains("roles.sql, line " + line), "the line is named (" + line + "): " + message);
        assertEquals(List.of(), Restores.blobs(container), "nothing was written to the target");
    }

    /** The victim got neither superuser nor the program-execution role, whatever ran. */
    static void assertNothingInjected(String what) throws Exception {
        int target = TestServices.targetPgPort();
        assertEquals("f", query(target, "SELECT rolsuper FROM pg_roles WHERE rolname = " + literal(VICTIM)),
                what + ": the injected ALTER ROLE ... SUPERUSER did not run");
        assertEquals("0", memberships("pg_execute_server_program", VICTIM),
                what + ": the injected GRANT pg_execute_server_program did not run");
    }

    static String memberships(String role, String member) throws Exception {
        return query(TestServices.targetPgPort(), "SELECT count(*) FROM pg_auth_members am JOIN pg_roles r ON "
                + "r.oid = am.roleid JOIN pg_roles u ON u.oid = am.member WHERE r.rolname = " + literal(role)
                + " AND u.rolname = " + literal(member));
    }

    static String rolesSql(Manifest m) {
        return TestServices.vaultContainer().getBlobClient(Restores.SERVER + "/" + m.backupId() + "/roles.sql")
                .downloadContent().toString();
    }

    /** The source server's roles as the backup dumps them: the real pg_dumpall, the backup's options. */
    static byte[] pgDumpallGlobals() {
        var r = TestServices.run(TestServices.pgPort(), null, Map.of(),
                TestServices.pgBin().resolve("pg_dumpall").toString(), "--globals-only", "--no-role-passwords",
                "--no-password");
        assertEquals(0, r.exit(), r.stderr());
        return r.stdout().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The restore kit pgvault writes for a backup holding only this roles.sql, in a new directory: restore.sh
     * then creates the roles and has no database to restore.
     */
    static Path kit(byte[] roles) throws Exception {
        Instant now = Instant.now();
        String id = BackupLayout.newBackupId(now);
        Manifest.File globals = new Manifest.File(Manifest.File.KIND_GLOBALS, null, null, 0, "roles.sql", roles.length,
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(roles)), null, "none");
        Manifest m = ManifestCheck.check(new Manifest(Manifest.FORMAT_VERSION, Restores.SERVER, id,
                WeekClaims.isoWeek(now), "FULL", now, now, "15.18", "15.18", "zstd", roles.length, List.of(globals),
                List.of(), "0.1.0"), Restores.SERVER, id);
        Path dir = Files.createTempDirectory("pgvault-sec-roles");
        Files.write(dir.resolve("roles.sql"), roles);
        for (Map.Entry<String, byte[]> f : RestoreKit.files(m, roles).entrySet()) {
            Files.write(dir.resolve(f.getKey()), f.getValue());
        }
        return dir;
    }

    /** psql's output: no error at all (existing roles are altered, not created again). */
    static void assertNoSqlError(String output) {
        assertFalse(output.contains("ERROR"), "psql reported errors:\n" + output);
    }
}
