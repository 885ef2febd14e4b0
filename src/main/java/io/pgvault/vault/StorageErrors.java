package io.pgvault.vault;

import io.pgvault.errors.ErrorKind;
import com.azure.storage.blob.models.BlobStorageException;
import io.pgvault.errors.PgvaultException;

/**
 * The one place that reads the storage SDK's failures: status codes are tested here and nowhere outside
 * {@code io.pgvault.vault}, and every failure leaves this package as a pgvault error.
 */
final class StorageErrors {

    static final int NOT_FOUND = 404;

    private StorageErrors() {
    }

    /** The HTTP status the storage service answered with, or -1 if it did not answer (or this is no SDK failure). */
    static int status(Throwable e) {
        return e instanceof BlobStorageException b ? b.getStatusCode() : -1;
    }

    static boolean notFound(Throwable e) {
        return status(e) == NOT_FOUND;
    }

    /** 409 or 412: the blob exists, is leased, or is no longer the version read. */
    static boolean conflict(Throwable e) {
        int s = status(e);
        return s == 409 || s == 412;
    }

    /** "status 404 BlobNotFound", or the root cause when the service did not answer. */
    static String describe(RuntimeException e) {
        if (e instanceof BlobStorageException b) {
            return "status " + b.getStatusCode() + " " + b.getErrorCode();
        }
        Throwable root = PgvaultException.rootCause(e);
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    /** A pgvault error passes through as it is; anything else becomes a {@link PgvaultException} of kind {@code VAULT_UNAVAILABLE}. */
    static RuntimeException failure(String action, String container, RuntimeException e) {
        return e instanceof PgvaultException ? e : unavailable(action, container, e);
    }

    static PgvaultException unavailable(String action, String container, RuntimeException e) {
        // the SDK wraps a refused connection in reactive exceptions: describe shows the cause
        int s = status(e);
        String hint = s == 403 || s == 401
                ? "Grant the app's identity 'Storage Blob Data Contributor' on the vault account, or fix "
                        + "PGVAULT_VAULT_CONNECTION_STRING."
                : "Check PGVAULT_VAULT_ENDPOINT / PGVAULT_VAULT_CONNECTION_STRING and that the storage account is reachable.";
        return new PgvaultException(ErrorKind.VAULT_UNAVAILABLE, "Could not " + action + " in vault container \"" + container + "\".",
                describe(e), hint, e);
    }
}
