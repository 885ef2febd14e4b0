package io.pgvault.drill;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobClient;
import io.pgvault.testing.TestServices;

/**
 * Real damage for the drill tests: a byte of a stored dump changed in the vault, and a drill server whose
 * {@code template0} (which every database a restore creates is copied from) discards rows during pg_restore.
 */
final class DrillFixtures {

    private DrillFixtures() {
    }

    /** Overwrites a vault blob with itself, one byte in the middle changed (as anyone with write access could). */
    static void flipByteInTheMiddle(String blobName) {
        BlobClient blob = TestServices.vaultContainer().getBlobClient(blobName);
        byte[] bytes = blob.downloadContent().toBytes();
        bytes[bytes.length / 2] ^= 0x5a;
        blob.upload(BinaryData.fromBytes(bytes), true);
    }

    /**
     * Installs into the drill server's {@code template0} an event trigger that, whenever a table named
     * {@code orders} is created, gives it a BEFORE INSERT trigger returning NULL for every row whose {@code id} is
     * a multiple of ten — so pg_restore's COPY (which fires row triggers) stores 900 of 1000 rows without an error.
     * template0 is opened for connections only while this runs; {@link #restoreTemplate0} removes it all again.
     */
    static void sabotageTemplate0(int port) {
        TestServices.sqlOn(port, "postgres", "ALTER DATABASE template0 ALLOW_CONNECTIONS true");
        try {
            TestServices.sqlOn(port, "template0",
                    """
                    CREATE FUNCTION public.drill_drop_tenth() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN IF NEW.id % 10 = 0 THEN RETURN NULL; END IF; RETURN NEW; END $$""",
                    """
                    CREATE FUNCTION public.drill_saboteur() RETURNS event_trigger LANGUAGE plpgsql AS $$
                    DECLARE r record;
                    BEGIN
                      FOR r IN SELECT * FROM pg_catalog.pg_event_trigger_ddl_commands() WHERE command_tag = 'CREATE TABLE' LOOP
                        IF r.object_identity LIKE '%.orders' THEN
                          EXECUTE 'CREATE TRIGGER drill_drop_tenth BEFORE INSERT ON ' || r.object_identity
                              || ' FOR EACH ROW EXECUTE FUNCTION public.drill_drop_tenth()';
                        END IF;
                      END LOOP;
                    END $$""",
                    "CREATE EVENT TRIGGER drill_saboteur ON ddl_command_end WHEN TAG IN ('CREATE TABLE') "
                            + "EXECUTE FUNCTION public.drill_saboteur()");
        } finally {
            TestServices.sqlOn(port, "postgres", "ALTER DATABASE template0 ALLOW_CONNECTIONS false");
        }
    }

    /** Removes what {@link #sabotageTemplate0} installed (if anything) and freezes template0 again. */
    static void restoreTemplate0(int port) {
        TestServices.sqlOn(port, "postgres", "ALTER DATABASE template0 ALLOW_CONNECTIONS true");
        try {
            TestServices.sqlOn(port, "template0", "DROP EVENT TRIGGER IF EXISTS drill_saboteur",
                    "DROP FUNCTION IF EXISTS public.drill_saboteur()", "DROP FUNCTION IF EXISTS public.drill_drop_tenth()",
                    "VACUUM FREEZE");
        } finally {
            TestServices.sqlOn(port, "postgres", "ALTER DATABASE template0 ALLOW_CONNECTIONS false");
        }
    }
}
