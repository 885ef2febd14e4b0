package io.pgvault.cli;

import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import io.pgvault.fleet.AuthMode;
import io.pgvault.restore.server.PgTarget;
import io.pgvault.vault.BackupLayout;

/** Reads {@code --target-server HOST[:PORT]} ({@code [v6-address]:PORT} too) and its companions into a target. */
final class ServerArgument {

    private ServerArgument() {
    }

    /** The target; {@code passwordEnv} null means Entra. Checked later by {@link PgTarget#checked()}. */
    static PgTarget target(String hostPort, String user, String passwordEnv, String sslmode) {
        String host = hostPort.trim();
        int port = 5432;
        int colon = host.lastIndexOf(':');
        boolean bracketed = host.startsWith("[");
        if (bracketed || host.indexOf(':') == colon) {
            int end = bracketed ? host.indexOf(']') : -1;
            if (bracketed && end < 0) {
                throw bad(hostPort);
            }
            String portText = bracketed ? (host.length() > end + 1 && host.charAt(end + 1) == ':'
                    ? host.substring(end + 2) : null) : colon >= 0 ? host.substring(colon + 1) : null;
            host = bracketed ? host.substring(1, end) : colon >= 0 ? host.substring(0, colon) : host;
            if (portText != null) {
                try {
                    port = Integer.parseInt(portText);
                } catch (NumberFormatException e) {
                    throw bad(hostPort);
                }
            }
        }
        AuthMode auth = passwordEnv == null ? AuthMode.ENTRA : AuthMode.PASSWORD;
        return new PgTarget(host, port, user, sslmode, auth, passwordEnv == null ? null : "env:" + passwordEnv);
    }

    private static PgvaultException bad(String given) {
        return new PgvaultException(ErrorKind.INVALID_REQUEST, "--target-server is not HOST[:PORT].",
                "given: " + BackupLayout.printable(given),
                "Give the host and optionally the port, such as restored.postgres.database.azure.com:5432 or"
                        + " [2001:db8::5]:5432.");
    }
}
