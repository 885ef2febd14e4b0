package io.pgvault.restore;

import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import io.pgvault.testing.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SSRF guard on its own: a pure function of the URL, so these cases prove that a refused URL is refused
 * before any connection (the guard has no client to connect with). No traffic is sent anywhere.
 */
class TargetGuardTest {

    static final String LOCAL = "http://127.0.0.1:10000/devstoreaccount1";
    final TargetGuard guard = new TargetGuard(List.of(LOCAL));
    final TargetGuard azureOnly = new TargetGuard(List.of());

    @Test
    void azureBlobContainerUrlIsAcceptedAndSplitIntoItsParts() {
        TargetGuard.Target t = azureOnly.check("https://myacct.blob.core.windows.net/restored");
        assertEquals("https://myacct.blob.core.windows.net/restored", t.containerUrl());
        assertEquals("myacct", t.account());
        assertEquals("restored", t.container());
        assertNull(t.sas());
    }

    @Test
    void sovereignCloudSuffixesAndATrailingSlashAreAccepted() {
        assertEquals("c-1", azureOnly.check("https://acct1.blob.core.chinacloudapi.cn/c-1/").container());
        assertEquals("abc", azureOnly.check("https://acct1.blob.core.usgovcloudapi.net/abc").container());
    }

    @Test
    void theSasIsKeptApartAndNeverShownByToString() {
        TargetGuard.Target t = azureOnly.check("https://acct.blob.core.windows.net/dst?sv=2024-08-04&sp=rcwl&sig=SECRETSIG%3D");
        assertEquals("sv=2024-08-04&sp=rcwl&sig=SECRETSIG%3D", t.sas());
        assertEquals("https://acct.blob.core.windows.net/dst?<SAS>", t.toString());
        assertFalse(t.toString().contains("SECRETSIG"));
        assertTrue(t.urlWithSas().endsWith("sig=SECRETSIG%3D"));
    }

    @Test
    void aConfiguredLocalEndpointIsAcceptedOnItsExactSchemeHostAndPort() {
        TargetGuard.Target t = guard.check(LOCAL + "/restored");
        assertEquals(LOCAL + "/restored", t.containerUrl());
        assertEquals("devstoreaccount1", t.account());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "http://acct.blob.core.windows.net/ccc",                 // plain http to Azure
            "http://example.com/ccc",                                // http to a non-blob host
            "https://example.com/ccc",                               // https to a non-blob host
            "https://acct.blob.core.windows.net.evil.com/ccc",       // suffix as a prefix of another domain
            "https://blob.core.windows.net/ccc",                     // no account
            "https://a.b.blob.core.windows.net/ccc",                 // dotted account
            "https://ACCT_X.blob.core.windows.net/ccc",              // invalid account characters
            "https://acct.blob.core.windows.net:8443/ccc",           // another port
            "https://acct.blob.core.windows.net:443/ccc",            // an explicit port at all
            "https://user:pw@acct.blob.core.windows.net/ccc",        // user info
            "https://acct.blob.core.windows.net@169.254.169.254/ccc",// user info hiding the real host
            "https://acct.blob.core.windows.net/ccc#frag",           // fragment
            "file:///etc/passwd",                                  // file:
            "file://acct.blob.core.windows.net/ccc",                 // file: with a blob host
            "ftp://acct.blob.core.windows.net/ccc",                  // other scheme
            "http://169.254.169.254/metadata/instance",            // link-local (instance metadata)
            "https://169.254.169.254/ccc",
            "http://10.0.0.5/ccc",                                   // private 10/8
            "https://10.1.2.3/ccc",
            "http://192.168.1.10/ccc",                               // private 192.168/16
            "https://172.16.0.1/ccc",                                // private 172.16/12
            "http://[::1]/ccc",                                      // IPv6 loopback
            "http://[fe80::1]/ccc",                                  // IPv6 link-local
            "http://localhost:10000/devstoreaccount1/ccc",           // allowed endpoint under another host name
            "http://127.0.0.1:10001/devstoreaccount1/ccc",           // allowed host, other port
            "https://127.0.0.1:10000/devstoreaccount1/ccc",          // allowed host and port, other scheme
            "http://127.0.0.1:10000/otheraccount/ccc",               // allowed host, other account path
            "http://127.0.0.1:10000/devstoreaccount1",             // the account, no container
            "http://user@127.0.0.1:10000/devstoreaccount1/ccc",      // allowed endpoint with user info
            "http://127.0.0.1:10000/devstoreaccount1/../ccc",        // climbing out of the account
            "http://127.0.0.1:10000/devstoreaccount1/%2e%2e/ccc",    // encoded climbing
            "https://acct.blob.core.windows.net/",                 // no container
            "https://acct.blob.core.windows.net/ccc/sub",            // more than a container
            "https://acct.blob.core.windows.net/..",               // traversal as container
            "https://acct.blob.core.windows.net/%2e%2e",           // encoded traversal as container
            "https://acct.blob.core.windows.net/Upper",            // invalid container name
            "https://acct.blob.core.windows.net/a--b",             // invalid container name
            "https://acct.blob.core.windows.net\\@evil.com/ccc",     // backslash trick (not a URL)
            "//acct.blob.core.windows.net/ccc",                      // no scheme
            "acct.blob.core.windows.net/ccc",                        // not absolute
            "",
            "   "})
    void refusedBeforeAnyConnectionWithAClearMessageAndHint(String url) {
        PgvaultException e = Errors.assertKind(ErrorKind.RESTORE_TARGET, () -> guard.check(url));
        assertTrue(e.problem().contains("targetContainerUrl"), e.render());
        assertTrue(e.render().contains("HINT: Give the URL of a container"), e.render());
        assertEquals(400, e.httpStatus());
    }

    @Test
    void missingUrlIsRefused() {
        PgvaultException e = Errors.assertKind(ErrorKind.RESTORE_TARGET, () -> guard.check(null));
        assertTrue(e.problem().contains("missing"), e.render());
    }

    @Test
    void userInfoAndSasAreNotEchoedInTheRefusal() {
        PgvaultException e = Errors.assertKind(ErrorKind.RESTORE_TARGET,
                () -> guard.check("https://admin:hunter2@evil.example.com/c?sig=TOPSECRET"));
        assertFalse(e.render().contains("hunter2"), e.render());
        assertFalse(e.render().contains("TOPSECRET"), e.render());
    }

    @Test
    void sasExpiredIsRefusedWithItsExpiry() {
        Instant now = Instant.parse("2026-11-25T12:00:00Z");
        TargetGuard.Target t = azureOnly.check("https://acct.blob.core.windows.net/ccc?sv=2024-08-04&se=2026-11-25T11%3A00%3A00Z&sp=rcwl&sig=x");
        PgvaultException e = Errors.assertKind(ErrorKind.RESTORE_TARGET, () -> azureOnly.checkSas(t, false, now));
        assertTrue(e.problem().contains("expired"), e.render());
        assertTrue(e.render().contains("2026-11-25T11:00:00Z"), e.render());
        assertTrue(e.render().contains("HINT:"), e.render());
        // a date-only expiry in the past, too
        TargetGuard.Target d = azureOnly.check("https://acct.blob.core.windows.net/ccc?se=2026-11-24&sp=rcwl&sig=x");
        Errors.assertKind(ErrorKind.RESTORE_TARGET, () -> azureOnly.checkSas(d, false, now));
    }

    @Test
    void sasValidUntilLaterAndWithTheNeededPermissionsPasses() {
        Instant now = Instant.parse("2026-11-25T12:00:00Z");
        azureOnly.checkSas(azureOnly.check("https://acct.blob.core.windows.net/ccc?se=2026-11-25T18:00Z&sp=rcwl&sig=x"),
                false, now);
        azureOnly.checkSas(azureOnly.check("https://acct.blob.core.windows.net/ccc?se=2026-11-25T18:00Z&sp=rwl&sig=x"),
                true, now);
        // no SAS at all: the app's identity writes, nothing to check here
        azureOnly.checkSas(azureOnly.check("https://acct.blob.core.windows.net/ccc"), false, now);
        // a stored access policy without sp/se: the service decides (the write probe)
        azureOnly.checkSas(azureOnly.check("https://acct.blob.core.windows.net/ccc?si=policy1&sig=x"), false, now);
    }

    @Test
    void sasNotYetValidIsRefused() {
        Instant now = Instant.parse("2026-11-25T12:00:00Z");
        TargetGuard.Target t = azureOnly.check("https://acct.blob.core.windows.net/ccc?st=2026-11-26T00:00Z&se=2026-11-27T00:00Z&sp=rcwl&sig=x");
        PgvaultException e = Errors.assertKind(ErrorKind.RESTORE_TARGET, () -> azureOnly.checkSas(t, false, now));
        assertTrue(e.problem().contains("not valid yet"), e.render());
    }

    @Test
    void sasWithoutWritePermissionIsRefusedNamingWhatIsMissing() {
        Instant now = Instant.parse("2026-11-25T12:00:00Z");
        TargetGuard.Target readList = azureOnly.check("https://acct.blob.core.windows.net/ccc?se=2026-11-26&sp=rl&sig=x");
        PgvaultException e = Errors.assertKind(ErrorKind.RESTORE_TARGET, () -> azureOnly.checkSas(readList, false, now));
        assertTrue(e.problem().contains("lacks a permission"), e.render());
        assertTrue(e.render().contains(" w (write"), e.render());
        assertTrue(e.render().contains("HINT: Generate a SAS"), e.render());

        // create without write: the write probe (a staged block) and Overwrite need w
        TargetGuard.Target createOnly = azureOnly.check("https://acct.blob.core.windows.net/ccc?se=2026-11-26&sp=rcl&sig=x");
        PgvaultException c = Errors.assertKind(ErrorKind.RESTORE_TARGET, () -> azureOnly.checkSas(createOnly, false, now));
        assertTrue(c.render().contains("w (write: pgvault checks"), c.render());
        PgvaultException o = Errors.assertKind(ErrorKind.RESTORE_TARGET, () -> azureOnly.checkSas(createOnly, true, now));
        assertTrue(o.render().contains("w (write: recoveryOption Overwrite"), o.render());
        // Overwrite does not list, so it does not need l
        azureOnly.checkSas(azureOnly.check("https://acct.blob.core.windows.net/ccc?se=2026-11-26&sp=rw&sig=x"), true, now);

        // without read the restored files cannot be checked; without list FailIfExists cannot look
        TargetGuard.Target writeOnly = azureOnly.check("https://acct.blob.core.windows.net/ccc?se=2026-11-26&sp=cw&sig=x");
        PgvaultException w = Errors.assertKind(ErrorKind.RESTORE_TARGET, () -> azureOnly.checkSas(writeOnly, false, now));
        assertTrue(w.render().contains("r (read"), w.render());
        assertTrue(w.render().contains("l (list"), w.render());
    }
}
