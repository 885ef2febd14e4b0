package io.pgvault.restore;

import java.util.List;

/**
 * A request to restore a backup as files. {@code backupId} may be {@code "latest"}; {@code recoveryOption}
 * is {@code FailIfExists} (default: nothing at the target is ever replaced) or {@code Overwrite};
 * {@code databases} exists only to be refused (the matrix allows no item-level recovery);
 * {@code targetRegion}/{@code targetTenantId} describe the target account for the placement rule.
 */
public record RestoreRequest(String server, String backupId, String targetContainerUrl, String recoveryOption,
        List<String> databases, String targetRegion, String targetTenantId) {
}
