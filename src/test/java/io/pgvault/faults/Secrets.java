package io.pgvault.faults;

import io.pgvault.testing.TestServices;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The secrets a test must never find in what it captured (logs, job records, manifests, errors, HTTP bodies,
 * CLI output): the PostgreSQL password, the Azurite account key, any credential a test itself made up (a wrong
 * password, a SAS), and any SAS signature ({@code sig=} with a value other than the mask).
 */
final class Secrets {

    private static final Pattern SIG = Pattern.compile("(?i)[?&;\\s\"']sig=([^&\\s\"';]+)");
    private static final Pattern ACCOUNT_KEY = Pattern.compile("(?i)AccountKey=([^;\\s\"']+)");

    private final Set<String> values = new LinkedHashSet<>();
    private final List<String[]> texts = new ArrayList<>();

    Secrets() {
        add(TestServices.password());
        add(azuriteKey());
    }

    static String azuriteKey() {
        Matcher m = ACCOUNT_KEY.matcher(TestServices.env("PGVAULT_VAULT_CONNECTION_STRING"));
        if (!m.find()) {
            throw new IllegalStateException("no AccountKey in PGVAULT_VAULT_CONNECTION_STRING");
        }
        return m.group(1);
    }

    /** A secret the test made up and handed to pgvault; also its SAS signature, if it is a SAS. */
    Secrets add(String secret) {
        if (secret != null && secret.length() >= 6) {
            values.add(secret);
            Matcher m = SIG.matcher("?" + secret);
            while (m.find()) {
                values.add(m.group(1));
            }
        }
        return this;
    }

    /** Something the test captured; checked by {@link #assertNoneIn()}. */
    synchronized void capture(String source, String text) {
        if (text != null) {
            texts.add(new String[] {source, text});
        }
    }

    /** Fails naming the source and the kind of secret found (never the secret itself). */
    synchronized void assertNoneIn() {
        for (String[] t : texts) {
            assertClean(t[0], t[1]);
        }
    }

    void assertClean(String source, String text) {
        int i = 0;
        for (String v : values) {
            i++;
            if (text.contains(v)) {
                fail("secret #" + i + " (" + v.length() + " characters) appears in " + source);
            }
            // A URL-encoded SAS signature or key (the SDK encodes '+', '/' and '=').
            String encoded = java.net.URLEncoder.encode(v, java.nio.charset.StandardCharsets.UTF_8);
            if (!encoded.equals(v) && text.contains(encoded)) {
                fail("secret #" + i + " appears URL-encoded in " + source);
            }
        }
        Matcher m = SIG.matcher(text);
        while (m.find()) {
            if (!m.group(1).startsWith("***") && !m.group(1).equals("%2A%2A%2A")) {
                fail("an unmasked SAS signature (sig=...) appears in " + source);
            }
        }
    }

    int capturedTexts() {
        return texts.size();
    }
}
