package io.pgvault.security;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
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

    @Override
    String pgvaultRole() {
        return AzureLikeAdmin.ROLE;
    }
}
