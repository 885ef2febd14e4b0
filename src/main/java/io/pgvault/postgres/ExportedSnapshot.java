package io.pgvault.postgres;

import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import io.pgvault.errors.Redactor;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Pattern;

/**
 * One database's snapshot, exported for the dumps of a backup: a session of pgvault's role (opened by
 * {@link PgConnections}) in a {@code REPEATABLE READ, READ ONLY} transaction that ran {@code pg_export_snapshot()}
 * and stays open. Every {@code pg_dump --snapshot=}{@link #id()} of the database, and anything counted on
 * {@link #connection()} (the table census), then sees exactly the same data, however many processes read it and
 * whenever each one starts — as long as this transaction is open.
 *
 * <p>Hold it only while dumps of the database may still start, and close it on every path (try-with-resources):
 * an open transaction keeps the server's oldest xmin, so VACUUM cannot remove rows deleted after it. pg_dump
 * holds the same snapshot for its own run, so holding this one until the last part ends costs nothing more.
 * {@link #close()} rolls back and closes the session and never throws.
 */
public final class ExportedSnapshot implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ExportedSnapshot.class);

    /** The session's application_name in pg_stat_activity. */
    public static final String APPLICATION_NAME = "pgvault-snapshot";

    /** What pg_export_snapshot() returns, e.g. {@code 00000003-0000001B-1}: safe on a command line. */
    static final Pattern SNAPSHOT_ID = Pattern.compile("[0-9A-F]{8}-[0-9A-F]{8}-\\d{1,10}");

    private final String database;
    private final Connection connection;
    private final String id;
    private volatile boolean closed;

    private ExportedSnapshot(String database, Connection connection, String id) {
        this.database = database;
        this.connection = connection;
        this.id = id;
    }

    /**
     * Opens a session in {@code database} and exports its snapshot.
     *
     * @throws PgvaultException {@code DUMP_FAILED} if the session or the export fails (nothing stays open)
     */
    public static ExportedSnapshot export(PgConnections connections, String database) {
        Connection c = null;
        try {
            c = connections.open(database);
            try (Statement st = c.createStatement()) {
                // A server-wide idle_in_transaction_session_timeout would end this session while a queued part
                // still has to import the snapshot: this one session is exempt, for as long as the dumps need it.
                st.execute("SET idle_in_transaction_session_timeout = 0");
                st.execute("SET application_name = '" + APPLICATION_NAME + "'"); // what holds the xmin, for a DBA
                c.setAutoCommit(false); // the driver's BEGIN comes with the next statement, SET TRANSACTION first
                st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
                try (ResultSet rs = st.executeQuery("SELECT pg_catalog.pg_export_snapshot()")) {
                    rs.next();
                    String id = rs.getString(1);
                    if (id == null || !SNAPSHOT_ID.matcher(id).matches()) {
                        throw new SQLException("pg_export_snapshot() returned an unexpected value: "
                                + Redactor.redact(String.valueOf(id)));
                    }
                    LOG.debugf("Exported snapshot %s of database \"%s\"", id, database);
                    return new ExportedSnapshot(database, c, id);
                }
            }
        } catch (SQLException e) {
            closeQuietly(c);
            String message = String.valueOf(e.getMessage());
            // The same error a pg_dump failing to connect gives (it ran first, before snapshots): a database
            // dropped since the inspection, a refused login, a server going away.
            throw new PgvaultException(ErrorKind.DUMP_FAILED,
                    "Could not export a snapshot of database \"" + database + "\" for its dump.",
                    Redactor.redact(message), DumpProcess.hintFor(message, false, connections.role()), e);
        }
    }

    /** The snapshot's id, for {@code pg_dump --snapshot=…}. */
    public String id() {
        return id;
    }

    /** The database whose snapshot this is. */
    public String database() {
        return database;
    }

    /**
     * The exporting session, inside the snapshot's transaction: queries on it see the data the dumps see. Do not
     * commit, roll back or close it (that ends the snapshot for dumps not started yet).
     */
    public Connection connection() {
        return connection;
    }

    /**
     * Cuts the session at once: a query still running on it from another thread (the census) ends with an error.
     * {@link #close()} still follows; never throws.
     */
    public void abort() {
        try {
            connection.abort(Runnable::run);
        } catch (SQLException | RuntimeException e) {
            LOG.debugf("Abort of the snapshot session of \"%s\" failed: %s", database,
                    Redactor.redact(String.valueOf(e.getMessage())));
        }
    }

    /** Whether {@link #close()} ran. */
    public boolean isClosed() {
        return closed;
    }

    /** Ends the transaction and the session; never throws, safe to call twice. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            connection.rollback();
        } catch (SQLException | RuntimeException e) {
            LOG.debugf("Rollback of the snapshot session of \"%s\" failed (closing it anyway): %s", database,
                    Redactor.redact(String.valueOf(e.getMessage())));
        }
        closeQuietly(connection);
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException | RuntimeException ignored) {
                // the server ends the session when the socket closes
            }
        }
    }
}
