package io.pgvault.restore;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.pgvault.testing.Errors.assertKind;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The restore's closed sets keep today's spellings, and an unknown value is refused with the allowed ones. */
class RestoreOptionsTest {

    @Test
    void recoveryOptionsReadInAnyCaseDefaultToFailIfExistsAndWriteTodaysSpelling() throws Exception {
        assertEquals(RecoveryOption.FAIL_IF_EXISTS, RecoveryOption.parse(null));
        assertEquals(RecoveryOption.FAIL_IF_EXISTS, RecoveryOption.parse(" "));
        assertEquals(RecoveryOption.FAIL_IF_EXISTS, RecoveryOption.parse("failifexists"));
        assertEquals(RecoveryOption.OVERWRITE, RecoveryOption.parse("OVERWRITE"));
        assertEquals("{\"o\":\"Overwrite\"}", new ObjectMapper().writeValueAsString(Map.of("o", RecoveryOption.OVERWRITE)));
    }

    @Test
    void anUnknownRecoveryOptionIsRefusedNamingTheAllowedValues() {
        PgvaultException e = assertKind(ErrorKind.INVALID_REQUEST, () -> RecoveryOption.parse("Replace"));
        assertEquals("recoveryOption: \"Replace\"; allowed: FailIfExists, Overwrite", e.evidence());
        assertTrue(e.hint().contains("FailIfExists") && e.hint().contains("Overwrite"), e.hint());
    }

    @Test
    void verifyModesReadTheSettingAndAnUnknownOneIsRefusedNamingTheAllowedValues() throws Exception {
        assertEquals(VerifyMode.SHA256, VerifyMode.parse(" SHA256 "));
        assertTrue(VerifyMode.SHA256.readsBack());
        assertFalse(VerifyMode.parse("size").readsBack());
        assertEquals("\"size\"", new ObjectMapper().writeValueAsString(VerifyMode.SIZE));
        PgvaultException e = assertKind(ErrorKind.CONFIGURATION, () -> VerifyMode.parse("md5"));
        assertEquals("PGVAULT_RESTORE_VERIFY=\"md5\"; allowed: sha256, size", e.evidence());
        assertTrue(e.hint().contains("sha256") && e.hint().contains("size"), e.hint());
    }
}
