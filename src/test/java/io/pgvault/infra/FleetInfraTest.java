package io.pgvault.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgvault.vault.queue.BackupQueue;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The fleet's fan-out in infra/ and host.json ({@link FleetInfraChecks}): the real files pass, and each rule
 * fails on a snippet that breaks it. Plain JUnit, no Bicep CLI (the files are read as text).
 */
class FleetInfraTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> QUEUES = List.of(BackupQueue.NAME, BackupQueue.POISON);
    private static final String QUEUE_ROLE = "roles.storageQueueDataContributor";

    private static BicepFile file(String path) throws IOException {
        Path root = InfraConsistencyTest.projectRoot();
        return BicepFile.parse(path, Files.readString(root.resolve(path)));
    }

    private static void assertNoProblems(List<String> problems) {
        if (!problems.isEmpty()) {
            fail(String.join("\n", problems));
        }
    }

    private static void assertFails(List<String> problems, String fragment) {
        assertFalse(problems.isEmpty(), "expected a problem about " + fragment);
        assertTrue(problems.stream().anyMatch(p -> p.contains(fragment)), problems.toString());
    }

    // ---- the real files

    @Test
    void hostStorageDeclaresTheBackupQueueAndItsPoisonQueue() throws IOException {
        assertNoProblems(FleetInfraChecks.checkQueues(file("infra/app/host-storage.bicep"), QUEUES));
    }

    @Test
    void queueRightsOnlyOnTheHostAccount() throws IOException {
        assertNoProblems(FleetInfraChecks.checkRoleOnlyOnAccount(file("infra/app/rbac.bicep"), QUEUE_ROLE,
                "hostStorageAccountName"));
    }

    @Test
    void serversSecretsReadableFromTheirKeyVaultOnly() throws IOException {
        assertNoProblems(FleetInfraChecks.checkServersSecretsAccess(file("infra/main.bicep"), "serversKeyVaultName",
                "keyVaultSecretsUserRole"));
    }

    @Test
    void hostJsonBoundsTheQueueTriggerAndAgreesWithTheSetting() throws IOException {
        JsonNode host = JSON.readTree(InfraConsistencyTest.projectRoot().resolve("host.json").toFile());
        int configured = Integer.parseInt(ConfigSettings.of(io.pgvault.config.PgvaultConfig.class)
                .get("PGVAULT_QUEUE_MAX_DEQUEUE_COUNT").defaultValue());
        assertNoProblems(FleetInfraChecks.checkHostJsonQueues(host, configured));
    }

    @Test
    void schedulerScheduleIsAnAppSettingAndInTheLocalSample() throws IOException {
        BicepFile function = file("infra/app/function.bicep");
        List<String> problems = new java.util.ArrayList<>();
        assertTrue(InfraChecks.appSettingKeys(function, problems).contains("SCHEDULER_SCHEDULE"), problems.toString());
        JsonNode sample = JSON.readTree(InfraConsistencyTest.projectRoot().resolve("local.settings.sample.json").toFile());
        assertTrue(sample.path("Values").has("SCHEDULER_SCHEDULE"), "local.settings.sample.json has SCHEDULER_SCHEDULE");
    }

    // ---- each rule fails on a bad snippet

    private static final String ACCOUNTS = """
            param hostStorageAccountName string
            param vaultStorageAccountName string
            resource hostStorage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
              name: hostStorageAccountName
            }
            resource vaultStorage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
              name: vaultStorageAccountName
            }
            """;

    @Test
    void aMissingPoisonQueueIsCaught() {
        BicepFile f = BicepFile.parse("snippet.bicep", """
                resource qs 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
                  name: 'default'
                }
                resource q 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = {
                  parent: qs
                  name: 'pgvault-backups'
                }
                """);
        assertFails(FleetInfraChecks.checkQueues(f, QUEUES), "pgvault-backups-poison");
    }

    @Test
    void queueRightsOnTheVaultAccountAreCaught() {
        BicepFile f = BicepFile.parse("snippet.bicep", ACCOUNTS + """
                resource q 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
                  name: guid(vaultStorage.id, roles.storageQueueDataContributor)
                  scope: vaultStorage
                  properties: {
                    roleDefinitionId: roles.storageQueueDataContributor
                  }
                }
                """);
        assertFails(FleetInfraChecks.checkRoleOnlyOnAccount(f, QUEUE_ROLE, "hostStorageAccountName"), "vaultStorage");
    }

    @Test
    void noQueueRightsAtAllAreCaught() {
        BicepFile f = BicepFile.parse("snippet.bicep", ACCOUNTS);
        assertFails(FleetInfraChecks.checkRoleOnlyOnAccount(f, QUEUE_ROLE, "hostStorageAccountName"), "no assignment");
    }

    @Test
    void secretsAccessOnAnotherKeyVaultOrUnconditionalIsCaught() {
        BicepFile f = BicepFile.parse("main.bicep", """
                param serversKeyVaultName string = ''
                param otherVault string = ''
                module access 'app/rbac-keyvault.bicep' = {
                  name: 'x'
                  params: {
                    principalId: 'p'
                    keyVaultName: otherVault
                    note: serversKeyVaultName
                    roleDefinitionId: keyVaultSecretsUserRole
                  }
                }
                """);
        List<String> problems = FleetInfraChecks.checkServersSecretsAccess(f, "serversKeyVaultName", "keyVaultSecretsUserRole");
        assertFails(problems, "keyVaultName is `otherVault`");
        assertFails(problems, "not conditional");
    }

    @Test
    void aWiderRoleForTheServersSecretsIsCaught() {
        BicepFile f = BicepFile.parse("main.bicep", """
                param serversKeyVaultName string = ''
                module access 'app/rbac-keyvault.bicep' = if (!empty(serversKeyVaultName)) {
                  name: 'x'
                  params: {
                    keyVaultName: serversKeyVaultName
                    roleDefinitionId: keyVaultAdministratorRole
                  }
                }
                """);
        assertFails(FleetInfraChecks.checkServersSecretsAccess(f, "serversKeyVaultName", "keyVaultSecretsUserRole"),
                "keyVaultAdministratorRole");
    }

    @Test
    void hostJsonWithoutRetriesOrDisagreeingIsCaught() throws IOException {
        assertFails(FleetInfraChecks.checkHostJsonQueues(JSON.readTree("{}"), 5), "no extensions.queues");
        JsonNode once = JSON.readTree("{\"extensions\":{\"queues\":{\"batchSize\":1,\"newBatchThreshold\":0,\"maxDequeueCount\":1}}}");
        assertFails(FleetInfraChecks.checkHostJsonQueues(once, 1), "no retry");
        JsonNode three = JSON.readTree("{\"extensions\":{\"queues\":{\"batchSize\":1,\"newBatchThreshold\":0,\"maxDequeueCount\":3}}}");
        assertFails(FleetInfraChecks.checkHostJsonQueues(three, 5), "would not know its last attempt");
        JsonNode unbounded = JSON.readTree("{\"extensions\":{\"queues\":{\"batchSize\":64,\"maxDequeueCount\":5}}}");
        List<String> problems = FleetInfraChecks.checkHostJsonQueues(unbounded, 5);
        assertFails(problems, "batchSize must be 1-32");
        assertFails(problems, "newBatchThreshold is not set");
    }
}
