package io.pgvault.security;

import io.pgvault.backup.BackupService;
import io.pgvault.testing.TestServices;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.pgvault.jobs.JobRecord;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link ScratchRestoreHijack} with pgvault logged in as an Azure-like CREATEROLE admin that is not a superuser: on
 * PostgreSQL 15 it is not a member of the scratch role it creates, so pgvault grants itself the membership that
 * {@code CREATE DATABASE … OWNER} needs.
 */
@QuarkusTest
@TestProfile(AzureLikeAdmin.class)
class ScratchRestoreHijackAsAzureAdminTest extends ScratchRestoreHijack {

    @BeforeAll
    static void adminRole() {
        AzureLikeAdmin.create();
    }

    @AfterAll
    static void dropAdminRole() {
        AzureLikeAdmin.drop();
    }

    /**
     * Taken while the admin is briefly a superuser: the shared test server may hold other tests' databases with large
     * objects, which pg_read_all_data does not let a role read. The verify — what this test is about — runs as the
     * plain CREATEROLE admin.
     */
    @Override
    BackupService.BackupResult takeBackup() {
        TestServices.sql("postgres", "ALTER ROLE " + AzureLikeAdmin.ROLE + " SUPERUSER");
        try {
            return super.takeBackup();
        } finally {
            TestServices.sql("postgres", "ALTER ROLE " + AzureLikeAdmin.ROLE + " NOSUPERUSER");
        }
    }

    @Override
    String pgvaultRole() {
        return AzureLikeAdmin.ROLE;
    }

    @Test
    void pgvaultMadeItselfAMemberOfTheScratchRoleNeverTheOtherWayRound() {
        JobRecord job = verify();

        assertEquals(JobRecord.SUCCEEDED, job.state(), () -> String.valueOf(job.error()));
        List<String> admins = new ArrayList<>();
        query("SELECT r.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles r"
                + " ON r.oid = m.member WHERE g.rolname = '" + SCRATCH_ROLE + "'", rs -> admins.add(rs.getString(1)));
        assertEquals(List.of(AzureLikeAdmin.ROLE), admins, "CREATE DATABASE ... OWNER needs the admin to be a member");
        assertEquals(List.of(), memberships(SCRATCH_ROLE), "the scratch role is a member of nothing");
    }
}
