package io.pgvault.security;

import io.quarkus.test.junit.QuarkusTest;

/** {@link ScratchRestoreHijack} with pgvault logged in as the test server's superuser. */
@QuarkusTest
class ScratchRestoreHijackTest extends ScratchRestoreHijack {

    @Override
    String pgvaultRole() {
        return "postgres";
    }
}
