package io.pgvault.errors;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes secrets from any text before it is logged, stored in a job record or shown to a user:
 * SAS signatures, account keys, connection-string secrets, passwords in URLs or key=value form,
 * and every secret value pgvault was configured with.
 */
public final class Redactor {

    private static final String MASK = "***";
    private static final Set<String> KNOWN_SECRETS = new CopyOnWriteArraySet<>();
    private static final List<Pattern> PATTERNS = List.of(
            // SAS query parameters: the signature and the user-delegation key fields.
            Pattern.compile("(?i)([?&](?:sig|skoid|sktid|skt|ske|sks|skv|sdd)=)[^&\\s\"']+"),
            // Connection strings and key=value settings.
            Pattern.compile("(?i)((?:AccountKey|SharedAccessSignature|password|pwd|PGPASSWORD)\\s*[=:]\\s*)[^;\\s\"',&]+"),
            // user:password@host in URLs.
            Pattern.compile("(?i)(://[^/:@\\s]+:)[^@/\\s]+(@)"));

    private Redactor() {
    }

    /** Registers a configured secret (password, key) so that its literal value is masked everywhere. */
    public static void registerSecret(String secret) {
        if (secret != null && secret.length() >= 4) {
            KNOWN_SECRETS.add(secret);
        }
    }

    /** Returns the text with every secret masked; null stays null. */
    public static String redact(String text) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (String secret : KNOWN_SECRETS) {
            out = out.replace(secret, MASK);
        }
        for (Pattern p : PATTERNS) {
            Matcher m = p.matcher(out);
            StringBuilder sb = new StringBuilder();
            while (m.find()) {
                String tail = m.groupCount() >= 2 && m.group(2) != null ? m.group(2) : "";
                m.appendReplacement(sb, Matcher.quoteReplacement(m.group(1) + MASK + tail));
            }
            m.appendTail(sb);
            out = sb.toString();
        }
        return out;
    }
}
