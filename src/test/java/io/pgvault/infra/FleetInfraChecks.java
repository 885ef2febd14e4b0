package io.pgvault.infra;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgvault.infra.BicepFile.Module;
import io.pgvault.infra.BicepFile.Param;
import io.pgvault.infra.BicepFile.Resource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Rules of the fleet's fan-out in infra/ and host.json: the backup queue and its poison queue exist in the host
 * account, queue rights reach only the host account, the servers' secrets are readable from one key vault only,
 * and host.json bounds the queue trigger. Each rule is shown to fail in {@link FleetInfraTest}.
 */
final class FleetInfraChecks {

    static final String QUEUE_TYPE = "Microsoft.Storage/storageAccounts/queueServices/queues";
    static final String STORAGE_ACCOUNT_TYPE = "Microsoft.Storage/storageAccounts";

    private FleetInfraChecks() {
    }

    /** The host storage file declares both queues by name. */
    static List<String> checkQueues(BicepFile hostStorage, List<String> names) {
        List<String> problems = new ArrayList<>();
        for (String name : names) {
            boolean found = hostStorage.resources().stream()
                    .filter(r -> r.type().equalsIgnoreCase(QUEUE_TYPE) && !r.existing())
                    .anyMatch(r -> ("'" + name + "'").equals(BicepFile.entries(r.body()).get("name")));
            if (!found) {
                problems.add(hostStorage + ": no queue '" + name + "' (" + QUEUE_TYPE + ")");
            }
        }
        return problems;
    }

    /**
     * Every assignment of {@code roleVar} (e.g. {@code roles.storageQueueDataContributor}) is scoped to the storage
     * account resource named {@code hostAccountParam} — never the vault's account — and there is at least one.
     */
    static List<String> checkRoleOnlyOnAccount(BicepFile rbac, String roleVar, String hostAccountParam) {
        List<String> problems = new ArrayList<>();
        int count = 0;
        for (Resource r : rbac.resources()) {
            if (!r.type().equalsIgnoreCase(InfraChecks.ROLE_ASSIGNMENT_TYPE) || !r.body().contains(roleVar)) {
                continue;
            }
            count++;
            String scope = BicepFile.entries(r.body()).getOrDefault("scope", "");
            Optional<Resource> target = rbac.resources().stream().filter(t -> t.symbol().equals(scope)).findFirst();
            boolean onHost = target.isPresent() && target.get().type().equalsIgnoreCase(STORAGE_ACCOUNT_TYPE)
                    && hostAccountParam.equals(BicepFile.entries(target.get().body()).get("name"));
            if (!onHost) {
                problems.add(rbac + ":" + r.line() + ": " + roleVar + " assigned on `" + scope
                        + "`, not on the host storage account (" + hostAccountParam + ")");
            }
        }
        if (count == 0) {
            problems.add(rbac + ": no assignment of " + roleVar + " (the queue trigger needs it on the host account)");
        }
        return problems;
    }

    /**
     * main.bicep grants Key Vault Secrets User for the servers' secrets through rbac-keyvault.bicep on exactly the
     * key vault named by {@code vaultParam} (a whole key vault, never a group), and only when that param is set.
     */
    static List<String> checkServersSecretsAccess(BicepFile main, String vaultParam, String roleVar) {
        List<String> problems = new ArrayList<>();
        Optional<Param> param = main.params().stream().filter(p -> p.name().equals(vaultParam)).findFirst();
        if (param.isEmpty()) {
            return List.of(main + ": no param " + vaultParam + " (the key vault of the servers' password secrets)");
        }
        List<Module> grants = main.modules().stream().filter(m -> m.path().endsWith("rbac-keyvault.bicep"))
                .filter(m -> m.body().contains(vaultParam)).toList();
        if (grants.isEmpty()) {
            return List.of(main + ": no rbac-keyvault.bicep module grants access to " + vaultParam);
        }
        for (Module m : grants) {
            String params = BicepFile.objectEntry(m.body(), "params").orElse("");
            Map<String, String> p = BicepFile.entries(params);
            if (!vaultParam.equals(p.get("keyVaultName"))) {
                problems.add(main + ":" + m.line() + ": keyVaultName is `" + p.get("keyVaultName") + "`, not " + vaultParam);
            }
            if (!roleVar.equals(p.get("roleDefinitionId"))) {
                problems.add(main + ":" + m.line() + ": role is `" + p.get("roleDefinitionId") + "`, not " + roleVar);
            }
            if (!main.code.matches("(?s).*module\\s+" + m.symbol() + "\\s+'[^']+'\\s*=\\s*if\\s*\\(.*")) {
                problems.add(main + ":" + m.line() + ": module " + m.symbol() + " is not conditional on " + vaultParam);
            }
        }
        return problems;
    }

    /** host.json bounds the queue trigger and its retries agree with pgvault's setting. */
    static List<String> checkHostJsonQueues(JsonNode host, int configuredMaxDequeueCount) {
        List<String> problems = new ArrayList<>();
        JsonNode q = host.path("extensions").path("queues");
        if (q.isMissingNode()) {
            return List.of("host.json: no extensions.queues (batchSize, newBatchThreshold, maxDequeueCount)");
        }
        for (String key : List.of("batchSize", "newBatchThreshold", "maxDequeueCount")) {
            if (!q.path(key).isInt()) {
                problems.add("host.json: extensions.queues." + key + " is not set to a number");
            }
        }
        if (q.path("batchSize").asInt(0) < 1 || q.path("batchSize").asInt(0) > 32) {
            problems.add("host.json: extensions.queues.batchSize must be 1-32 (backups run at once per instance)");
        }
        int max = q.path("maxDequeueCount").asInt(-1);
        if (max < 2) {
            problems.add("host.json: extensions.queues.maxDequeueCount " + max + " gives a failed backup no retry");
        }
        if (max != configuredMaxDequeueCount) {
            problems.add("host.json: maxDequeueCount " + max + " but PGVAULT_QUEUE_MAX_DEQUEUE_COUNT defaults to "
                    + configuredMaxDequeueCount + ": backupServer would not know its last attempt");
        }
        return problems;
    }
}
