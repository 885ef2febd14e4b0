package io.pgvault.restore.server;

import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import io.pgvault.fleet.HostAllowList;
import io.pgvault.vault.BackupLayout;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;

/**
 * Decides, before any connection, whether a restore may connect to a target server (the server-side request
 * forgery guard of {@code targetServer}, as {@link io.pgvault.restore.TargetGuard} is for container URLs):
 * <ul>
 *   <li>the host must be one pgvault may send credentials to ({@code PGVAULT_FLEET_ALLOWED_HOSTS}, the registry's
 *       rule): the login is the app's Entra token or a password from Key Vault, valid elsewhere too;</li>
 *   <li>a host that is, or resolves to, a private, loopback, link-local or unspecified address is refused unless
 *       listed exactly in {@code PGVAULT_RESTORE_PRIVATE_SERVER_HOSTS}, so a request cannot reach into pgvault's
 *       own network.</li>
 * </ul>
 * Whether the target is the backup's source is decided later, on the server itself ({@link SourceGuard}).
 */
public final class ServerTargetGuard {

    private final List<String> credentialHosts;
    private final List<String> privateHosts;

    public ServerTargetGuard(List<String> credentialHosts, List<String> privateHosts) {
        this.credentialHosts = List.copyOf(credentialHosts);
        this.privateHosts = privateHosts.stream().map(h -> h.trim().toLowerCase(Locale.ROOT)).toList();
    }

    /** Throws RESTORE_TARGET (or INVALID_REQUEST for a host outside the allow list) unless the host may be used. */
    public void check(PgTarget target) {
        HostAllowList.check(credentialHosts, "targetServer", target.host());
        if (privateHosts.contains(target.host().toLowerCase(Locale.ROOT))) {
            return;
        }
        for (InetAddress a : resolve(target.host())) {
            if (internal(a)) {
                throw new PgvaultException(ErrorKind.RESTORE_TARGET,
                        "targetServer names a private, loopback or link-local address.",
                        "host " + BackupLayout.printable(target.host()) + " is " + a.getHostAddress()
                                + "; PGVAULT_RESTORE_PRIVATE_SERVER_HOSTS=" + String.join(",", privateHosts),
                        "Restore into a server reached by its public name, or, for a server in pgvault's own network "
                                + "(VNet), add its exact host to the app setting PGVAULT_RESTORE_PRIVATE_SERVER_HOSTS.");
            }
        }
    }

    /** Whether an address is inside a host's own or private network. */
    static boolean internal(InetAddress a) {
        if (a.isLoopbackAddress() || a.isSiteLocalAddress() || a.isLinkLocalAddress() || a.isAnyLocalAddress()) {
            return true;
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet6Address) {
            return (b[0] & 0xfe) == 0xfc; // unique local fc00::/7
        }
        return (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64; // carrier-grade NAT 100.64.0.0/10
    }

    private static InetAddress[] resolve(String host) {
        try {
            return InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            throw new PgvaultException(ErrorKind.RESTORE_TARGET, "targetServer's host could not be resolved.",
                    "host " + BackupLayout.printable(host) + ": " + e.getMessage(),
                    "Check the host name (for Azure: <server>.postgres.database.azure.com) and pgvault's DNS.");
        }
    }
}
