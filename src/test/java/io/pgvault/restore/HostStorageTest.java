package io.pgvault.restore;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** How the Functions host's account is read from the three forms of the AzureWebJobsStorage setting. */
class HostStorageTest {

    @Test
    void connectionStringsNameTheirAccount() {
        assertEquals(Optional.of("hostacct"), HostStorage.fromConnectionString(
                "DefaultEndpointsProtocol=https;AccountName=hostacct;AccountKey=abc=;EndpointSuffix=core.windows.net"));
        assertEquals(Optional.of("devstoreaccount1"), HostStorage.fromConnectionString("UseDevelopmentStorage=true"));
        assertEquals(Optional.of("sasacct"), HostStorage.fromConnectionString(
                "BlobEndpoint=https://sasacct.blob.core.windows.net/;SharedAccessSignature=sv=1&sig=x"));
        assertEquals(Optional.empty(), HostStorage.fromConnectionString("nothing useful"));
    }

    @Test
    void endpointsNameTheirAccountInAzuresFormAndTheEmulatorsPathForm() {
        assertEquals(Optional.of("hostacct"), HostStorage.fromEndpoint("https://hostacct.blob.core.windows.net"));
        assertEquals(Optional.of("acct2"), HostStorage.fromEndpoint("http://127.0.0.1:10000/acct2"));
        assertEquals(Optional.of("acct3"), HostStorage.fromEndpoint("http://localhost:10000/acct3/"));
        assertEquals(Optional.empty(), HostStorage.fromEndpoint("not a url"));
    }
}
