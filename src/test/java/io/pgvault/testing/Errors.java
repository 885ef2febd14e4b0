package io.pgvault.testing;

import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import org.junit.jupiter.api.function.Executable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Assertions on pgvault's failures: one exception type, told apart by its {@link ErrorKind}. */
public final class Errors {

    private Errors() {
    }

    /** Runs {@code code}, which must fail with a PgvaultException of {@code kind}; returns it. */
    public static PgvaultException assertKind(ErrorKind kind, Executable code) {
        return assertKind(kind, code, "");
    }

    public static PgvaultException assertKind(ErrorKind kind, Executable code, String message) {
        PgvaultException e = assertThrows(PgvaultException.class, code, message);
        assertEquals(kind, e.kind(), () -> message + " — got " + e.kind() + ": " + e.render());
        return e;
    }

    /** {@code failure} must be a PgvaultException of {@code kind}; returns it. */
    public static PgvaultException assertKind(ErrorKind kind, Throwable failure, String message) {
        PgvaultException e = assertInstanceOf(PgvaultException.class, failure, message);
        assertEquals(kind, e.kind(), () -> message + " — got " + e.kind() + ": " + e.render());
        return e;
    }
}
