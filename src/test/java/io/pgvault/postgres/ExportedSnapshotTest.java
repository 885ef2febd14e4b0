package io.pgvault.postgres;

import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import io.pgvault.testing.Errors;
import io.pgvault.testing.TestServices;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ExportedSnapshot} on a real PostgreSQL: another session that imports the id (as pg_dump --snapshot does)
 * and the snapshot's own session see the rows of the export's moment, not a row committed after it; after
 * close the id can no longer be imported and no pgvault session is left in a transaction; a database that is
 * gone gives a clear error and leaves nothing open.
 */
@QuarkusTest
class ExportedSnapshotTest {

    static final String DB = "snapshot_test";

    @Inject
    PgConnections connections;

    @BeforeEach
    void database() {
        TestServices.recreateDatabase(DB);
        TestServices.sql(DB, "CREATE TABLE t (id int)", "INSERT INTO t SELECT generate_series(1, 10)");
    }

    /** Its database must not end up in other tests' backups. */
    @AfterAll
    static void drop() {
        TestServices.sql("postgres", "DROP DATABASE IF EXISTS " + DB + " WITH (FORCE)");
    }

    @Test
    void importersAndTheSnapshotSessionSeeTheExportMomentUntilClosed() throws Exception {
        String id;
        try (ExportedSnapshot snapshot = ExportedSnapshot.export(connections, DB)) {
            id = snapshot.id();
            assertTrue(ExportedSnapshot.SNAPSHOT_ID.matcher(id).matches(), id);
            TestServices.sql(DB, "INSERT INTO t VALUES (11)"); // committed after the export
            assertEquals(10, count(snapshot.connection()), "the snapshot's own session");
            try (Connection importer = TestServices.connect(TestServices.pgPort(), DB)) {
                assertEquals(10, importedCount(importer, id), "a session that imported the snapshot");
            }
            assertEquals(1, openSessions(), "the snapshot holds its transaction open while in use");
        }
        assertEquals(0, openSessions(), "closed: no pgvault session left in a transaction");
        try (Connection importer = TestServices.connect(TestServices.pgPort(), DB)) {
            SQLException e = assertThrows(SQLException.class, () -> importedCount(importer, id));
            assertTrue(e.getMessage().contains("invalid snapshot identifier"), e.getMessage());
        }
    }

    @Test
    void aDroppedDatabaseIsAClearErrorAndNothingStaysOpen() {
        TestServices.sql("postgres", "DROP DATABASE " + DB);
        PgvaultException e = Errors.assertKind(ErrorKind.DUMP_FAILED, () -> ExportedSnapshot.export(connections, DB));
        assertTrue(e.render().contains("snapshot_test") && e.render().contains("does not exist"), e.render());
        assertTrue(e.hint().contains("dropped while the backup ran"), e.hint());
        assertEquals(0, openSessions());
    }

    private static long count(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM public.t")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long importedCount(Connection c, String id) throws SQLException {
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
            st.execute("SET TRANSACTION SNAPSHOT '" + id + "'");
            return count(c);
        } finally {
            c.rollback();
        }
    }

    private static long openSessions() {
        try (Connection c = TestServices.connect(TestServices.pgPort(), "postgres"); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE application_name = "
                        + "'pgvault-snapshot' AND state LIKE 'idle in transaction%'")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
