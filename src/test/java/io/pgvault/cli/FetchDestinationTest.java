package io.pgvault.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Where {@code bin/pgvault fetch --to DIR} writes each file (security issue, item 9: {@code --to .} crashed,
 * since {@code ./roles.sql} normalises to a bare name without a parent directory).
 */
class FetchDestinationTest {

    private static final Path CWD = Path.of("").toAbsolutePath();

    @Test
    void oneLevelRelativeDirectoriesResolveUnderTheWorkingDirectory() {
        assertEquals(CWD.resolve("roles.sql"), FetchCommand.destination(Path.of("."), "roles.sql"));
        assertEquals(CWD, FetchCommand.destination(Path.of("."), "roles.sql").getParent(), "a parent to create");
        assertEquals(CWD.resolve("out/databases/0001_a.dump"),
                FetchCommand.destination(Path.of("out"), "databases/0001_a.dump"));
    }

    @Test
    void namesThatClimbOutOfTheDirectoryAreSkipped() {
        assertNull(FetchCommand.destination(Path.of("out"), "../escaped"));
        assertNull(FetchCommand.destination(Path.of("."), "../../etc/passwd"));
        assertNull(FetchCommand.destination(Path.of("/tmp/x"), "a/../../y"));
        assertNull(FetchCommand.destination(Path.of("out"), "."), "the directory itself is no file");
    }
}
