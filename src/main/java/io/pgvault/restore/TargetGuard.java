package io.pgvault.restore;

import io.pgvault.errors.RestoreTargetException;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Decides, before any connection is made, whether a restore may write to a target container URL (the
 * server-side request forgery guard). Allowed: {@code https://<account>.blob.core.windows.net/<container>}
 * (and the sovereign clouds' blob suffixes), and URLs under an endpoint listed in
 * {@code pgvault.restore.allowed-endpoints} (locally, Azurite). Everything else — other hosts, IP
 * literals, link-local and private addresses, {@code file:}, user info, fragments — is refused.
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

    /** Checks a target URL or throws {@link RestoreTargetException} saying why. */
    public Target check(String url) {
        if (url == null || url.isBlank()) {
            throw refuse("targetContainerUrl is missing.", "(missing)");
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

    private Target target(String containerUrl, String sas, String account, String container, String url) {
        if (!CONTAINER.matcher(container).matches()) {
            throw refuse("targetContainerUrl must name exactly one container (3-63 lower-case letters, digits, "
                    + "single hyphens).", "container part: " + shown(container));
        }
        return new Target(containerUrl, sas == null || sas.isBlank() ? null : sas, account, container);
    }

    private static String shown(String url) {
        int q = url.indexOf('?');
        String noQuery = q >= 0 ? url.substring(0, q) + "?<query hidden>" : url;
        return noQuery.length() > 120 ? noQuery.substring(0, 120) + "…" : noQuery;
    }

    private RestoreTargetException refuse(String problem, String evidence) {
        return new RestoreTargetException(problem, "given: " + evidence,
                "Give the URL of a container in an Azure storage account, such as "
                        + "https://<account>.blob.core.windows.net/<container>, optionally with a SAS granting "
                        + "read, write, create and list"
                        + (allowedEndpoints.isEmpty() ? "." : "; locally also " + allowedEndpoints.get(0) + "/<container>."));
    }
}
