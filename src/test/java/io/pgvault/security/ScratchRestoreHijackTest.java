package io.pgvault.security;

import io.pgvault.jobs.JobRecord;
import io.pgvault.testing.TestServices;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ScratchRestoreHijack} with pgvault logged in as the test server's superuser; and a role of the scratch
 * role's name that pgvault did not make, or that gained a privilege, is never restored as (nor changed).
 */
@QuarkusTest
class ScratchRestoreHijackTest extends ScratchRestoreHijack {

    @Override
    String pgvaultRole() {
        return "postgres";
    }

    @Test
    void aRoleOfThatNameSomeoneElseMadeIsNeverUsedNorChanged() {
        TestServices.sql("postgres", "CREATE ROLE " + SCRATCH_ROLE + " LOGIN PASSWORD 'an-application-login'");

        JobRecord job = verify();

        assertEquals(JobRecord.FAILED, job.state());
        String msg = job.error().message();
        assertTrue(msg.contains("The scratch role \"" + SCRATCH_ROLE + "\" exists and pgvault did not create it.")
                && msg.contains("HINT: Set PGVAULT_VERIFY_SCRATCH_ROLE"), msg);
        assertEquals(List.of("LOGIN"), Hostile.attributes(SCRATCH_ROLE), "its login is left alone");
        assertTrue(hasPassword(SCRATCH_ROLE), "its password is left alone");
        assertEquals(Map.of(), records(), "nothing was restored");
        assertFalse(databaseExists(SCRATCH_DB));
    }

    @Test
    void pgvaultsScratchRoleThatGainedAMembershipIsRefused() {
        assertEquals(JobRecord.SUCCEEDED, verify().state(), "the first test restore creates the role");
        TestServices.sql("postgres", "GRANT pg_read_all_data TO " + SCRATCH_ROLE,
                "ALTER ROLE " + SCRATCH_ROLE + " RESET application_name");

        JobRecord job = verify();

        assertEquals(JobRecord.FAILED, job.state());
        String msg = job.error().message();
        assertTrue(msg.contains("has privileges a test restore must not run with")
                && msg.contains("member of pg_read_all_data") && msg.contains("HINT: Drop the role"), msg);
        assertEquals(Map.of(), records(), "nothing was restored as it");
        assertFalse(databaseExists(SCRATCH_DB));
    }
}
