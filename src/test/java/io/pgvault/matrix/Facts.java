package io.pgvault.matrix;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds facts for tests: {@link #backup()} starts from a backup that breaks no rule (a GA region, same tenant and
 * region for server and vault, matching pg_dump, full type, free slot), so each test changes exactly one thing.
 */
final class Facts {

    static final String TENANT = "11111111-1111-1111-1111-111111111111";
    static final String OTHER_TENANT = "22222222-2222-2222-2222-222222222222";
    static final long GIB = 1L << 30;
    static final long MIB = 1L << 20;

    String serverName = "pg-prod";
    String serverVersion = "16.4";
    int serverMajor = 16;
    boolean inRecovery = false;
    List<DatabaseFacts> databases = new ArrayList<>(List.of(
            new DatabaseFacts("app", "app_owner", true, 10 * GIB),
            new DatabaseFacts("template0", "azuresu", false, 7 * MIB),
            new DatabaseFacts("template1", "azuresu", true, 7 * MIB),
            new DatabaseFacts("postgres", "azure_pg_admin", true, 8 * MIB),
            new DatabaseFacts("azure_maintenance", "azuresu", false, 8 * MIB)));
    List<ByteaFacts> bytea = new ArrayList<>(List.of(new ByteaFacts("app", "public", "files", "data", 10 * MIB)));
    Placement serverPlacement = new Placement(TENANT, "sub-a", "uksouth");
    String pgDumpVersion = "16.4";
    int pgDumpMajor = 16;
    String accessTier = "Hot";
    Placement vaultPlacement = new Placement(TENANT, "sub-b", "UK South");
    BackupType type = BackupType.FULL;
    WeekSlot weekSlot = WeekSlot.free("2026-W48");
    List<GlobalName> globalNames = new ArrayList<>();
    PrivilegeFacts privileges = null;
    TimeBudgetFacts timeBudget = null;

    static Facts backup() {
        return new Facts();
    }

    BackupFacts build() {
        ServerFacts server = new ServerFacts(serverName, serverVersion, serverMajor, inRecovery, databases, bytea,
                serverPlacement, globalNames, privileges);
        return new BackupFacts(server, new ToolFacts(pgDumpVersion, pgDumpMajor),
                new VaultFacts(accessTier, vaultPlacement), type, weekSlot, timeBudget);
    }

    static RestoreFacts restore(List<String> databases, Placement vault, Placement target, List<String> archived) {
        return new RestoreFacts("20261123T020000Z", databases, vault, target, archived);
    }

    static RestoreFacts cleanRestore() {
        return restore(List.of(), new Placement(TENANT, "sub-a", "uksouth"), new Placement(TENANT, "sub-c", "ukwest"),
                List.of());
    }

    private Facts() {
    }
}
