package io.pgvault.restore;


import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Decides, before any connection is made, whether a restore may write to a target container URL (the
 * server-side request forgery guard). Allowed: {@code https://<account>.blob.core.windows.net/<container>}
 * (and the sovereign clouds' blob suffixes), and URLs under an endpoint listed in
 * {@code pgvault.restore.allowed-endpoints} (locally, Azurite). Everything else — other hosts, IP
 * literals, link-local and private addresses, {@code file:}, user info, fragments — is refused.
 *
 * <p>A SAS in the URL is also read here, without a connection: an expired SAS, or one whose {@code sp} lacks
 * a permission the restore needs, is refused with the reason, instead of the storage service's bare 403.
 */
public final class TargetGuard {

    private static final Pattern ACCOUNT = Pattern.compile("[a-z0-9]{3,24}");
    private static final Pattern CONTAINER = Pattern.compile("[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}");
    private static final List<String> BLOB_SUFFIXES = List.of(".blob.core.windows.net", ".blob.core.chinacloudapi.cn",
            ".blob.core.usgovcloudapi.net");

    private final List<URI> allowedEndpoints;

    public TargetGuard(List<String> allowedEndpoints) {
        this.allowedEndpoints = allowedEndpoints.stream().filter(s -> !s.isBlank())
                .map(s -> URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s)).toList();
    }

    /** A checked target: the container URL without query, the SAS query (may be null), the names. */
    public record Target(String containerUrl, String sas, String account, String container) {
        /** The URL with its SAS, for the SDK; never logged. */
        public String urlWithSas() {
            return sas == null ? containerUrl : containerUrl + "?" + sas;
        }

        @Override
        public String toString() {
            return containerUrl + (sas == null ? "" : "?<SAS>");
        }
    }

    /** Checks a target URL or throws {@link PgvaultException} of kind {@code RESTORE_TARGET} saying why. */
    public Target check(String url) {
        URI uri = parse(url);
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        String sas = uri.getRawQuery();

        for (URI allowed : allowedEndpoints) {
            if (scheme.equals(allowed.getScheme()) && host.equalsIgnoreCase(allowed.getHost())
                    && uri.getPort() == allowed.getPort() && path.startsWith(allowed.getRawPath() + "/")) {
                String container = path.substring(allowed.getRawPath().length() + 1).replaceAll("/$", "");
                String account = allowed.getRawPath().replaceAll("^/", "");
                return target(scheme + "://" + uri.getRawAuthority() + allowed.getRawPath() + "/" + container, sas,
                        account, container, url);
            }
        }
        if (!"https".equals(scheme)) {
            throw refuse("targetContainerUrl must use https.", shown(url));
        }
        String suffix = BLOB_SUFFIXES.stream().filter(host::endsWith).findFirst().orElse(null);
        if (suffix == null || uri.getPort() != -1) {
            throw refuse("targetContainerUrl is not an Azure Blob Storage endpoint.", "host: " + host);
        }
        String account = host.substring(0, host.length() - suffix.length());
        if (!ACCOUNT.matcher(account).matches()) {
            throw refuse("targetContainerUrl names an invalid storage account.", "account: " + account);
        }
        String container = path.replaceAll("^/", "").replaceAll("/$", "");
        return target("https://" + host + "/" + container, sas, account, container, url);
    }

    /** The URL as an absolute URI with a host, and without user info or fragment; or a refusal. */
    private URI parse(String url) {
        if (url == null || url.isBlank()) {
            throw refuse("targetContainerUrl is missing (or give targetServer to restore into a PostgreSQL server).",
                    "(missing)");
        }
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw refuse("targetContainerUrl is not a valid URL.", shown(url));
        }
        if (uri.getScheme() == null || uri.getRawAuthority() == null || uri.getHost() == null) {
            throw refuse("targetContainerUrl must be an absolute http(s) URL of a blob container.", shown(url));
        }
        if (uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
            throw refuse("targetContainerUrl must not carry user info or a fragment.", shown(url));
        }
        return uri;
    }

    /**
     * Checks what the SAS of a target says about itself (expiry {@code se}, start {@code st}, permissions
     * {@code sp}) before any connection. A SAS that names a stored access policy ({@code si}) without
     * {@code sp}/{@code se} is left to the service's own check (the write probe).
     *
     * @param overwrite whether existing files may be replaced (FailIfExists also needs {@code l} to look first)
     */
    public void checkSas(Target target, boolean overwrite, Instant now) {
        if (target.sas() == null) {
            return;
        }
        Map<String, String> q = query(target.sas());
        Instant expiry = sasTime(q.get("se"));
        if (expiry != null && !expiry.isAfter(now)) {
            throw new PgvaultException(ErrorKind.RESTORE_TARGET, "The SAS of targetContainerUrl has expired.",
                    "target: " + target + "; SAS expiry (se) " + expiry + ", now " + now,
                    "Generate a new SAS on the container (read, create, write, list) valid for the whole restore, "
                            + "a few hours for a large backup.");
        }
        Instant start = sasTime(q.get("st"));
        if (start != null && start.isAfter(now.plusSeconds(300))) {
            throw new PgvaultException(ErrorKind.RESTORE_TARGET, "The SAS of targetContainerUrl is not valid yet.",
                    "target: " + target + "; SAS start (st) " + start + ", now " + now,
                    "Generate a SAS whose start time is now or omit the start time.");
        }
        String sp = q.get("sp");
        if (sp == null) {
            return;
        }
        StringBuilder missing = new StringBuilder();
        if (sp.indexOf('r') < 0) {
            missing.append(" r (read: pgvault reads every restored file back to check its SHA-256)");
        }
        if (sp.indexOf('w') < 0) {
            missing.append(overwrite ? " w (write: recoveryOption Overwrite replaces files)"
                    : " w (write: pgvault checks it may write by staging a block, which create alone does not allow)");
        }
        if (!overwrite && sp.indexOf('l') < 0) {
            missing.append(" l (list: FailIfExists checks that nothing is at the target yet)");
        }
        if (missing.length() > 0) {
            throw new PgvaultException(ErrorKind.RESTORE_TARGET, "The SAS of targetContainerUrl lacks a permission the restore needs.",
                    "target: " + target + "; SAS permissions (sp) \"" + sp + "\"; missing:" + missing,
                    "Generate a SAS on the container with read, create, write and list permissions (sp=rcwl).");
        }
    }

    private static Map<String, String> query(String rawQuery) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String part : rawQuery.split("&")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                try {
                    out.put(URLDecoder.decode(part.substring(0, eq), StandardCharsets.UTF_8).toLowerCase(Locale.ROOT),
                            URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8));
                } catch (IllegalArgumentException e) {
                    // not decodable: the service judges it
                }
            }
        }
        return out;
    }

    /** A SAS time: ISO 8601 UTC with or without seconds, or a date; null if absent or unreadable. */
    private static Instant sasTime(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException e2) {
                return null; // the service judges it
            }
        }
    }

    private Target target(String containerUrl, String sas, String account, String container, String url) {
        if (!CONTAINER.matcher(container).matches()) {
            throw refuse("targetContainerUrl must name exactly one container (3-63 lower-case letters, digits, "
                    + "single hyphens).", "container part: " + shown(container));
        }
        return new Target(containerUrl, sas == null || sas.isBlank() ? null : sas, account, container);
    }

    /** The URL as quoted back in an error: no query (a SAS), no user info, shortened. */
    private static String shown(String url) {
        int q = url.indexOf('?');
        String noQuery = q >= 0 ? url.substring(0, q) + "?<query hidden>" : url;
        noQuery = noQuery.replaceFirst("^([A-Za-z][A-Za-z0-9+.-]*://)[^/?#]*@", "$1<user info hidden>@");
        return noQuery.length() > 120 ? noQuery.substring(0, 120) + "…" : noQuery;
    }

    private PgvaultException refuse(String problem, String evidence) {
        return new PgvaultException(ErrorKind.RESTORE_TARGET, problem, "given: " + evidence,
                "Give the URL of a container in an Azure storage account, such as "
                        + "https://<account>.blob.core.windows.net/<container>, optionally with a SAS granting "
                        + "read, write, create and list"
                        + (allowedEndpoints.isEmpty() ? "." : "; locally also " + allowedEndpoints.get(0) + "/<container>."));
    }
}
