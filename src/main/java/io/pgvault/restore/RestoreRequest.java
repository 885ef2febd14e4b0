package io.pgvault.restore;

import io.pgvault.restore.server.PgTarget;

import java.util.List;

/**
 * A request to restore a backup: as files into {@code targetContainerUrl}, or straight into the PostgreSQL server
 * {@code targetServer} (exactly one of the two). {@code backupId} may be {@code "latest"}; {@code recoveryOption}
 * is {@code FailIfExists} (default: nothing at the target is ever replaced) or {@code Overwrite};
 * {@code databases} exists only to be refused (the matrix allows no item-level recovery);
 * {@code targetRegion}/{@code targetTenantId} describe the target for the placement rule.
 */
public record RestoreRequest(String server, String backupId, String targetContainerUrl, String recoveryOption,
        List<String> databases, String targetRegion, String targetTenantId, PgTarget targetServer) {

    /** A restore as files. */
    public RestoreRequest(String server, String backupId, String targetContainerUrl, String recoveryOption,
            List<String> databases, String targetRegion, String targetTenantId) {
        this(server, backupId, targetContainerUrl, recoveryOption, databases, targetRegion, targetTenantId, null);
    }
}
