package io.pgvault.restore;

import io.pgvault.backup.SplitProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * {@link AdminRestoreTest} with every database dumped in parts (300 kB splits, {@link SplitProfile}): restore.sh run
 * by a non-superuser admin maps owners part by part (pre-data, the data parts at once, post-data), with the same
 * outcome as for whole dumps.
 */
@QuarkusTest
@TestProfile(SplitProfile.class)
class AdminSplitRestoreTest extends AdminRestoreTest {
}
