package io.pgvault.infra;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every rule of {@link DeployChecks} fed a deliberately bad snippet (the defect issue 16 found, or
 * a variant of it) to show it can fail, and a good one to show it does not fail on everything.
 */
class DeployChecksNegativeTest {

    private static BicepFile bicep(String text) {
        return BicepFile.parse("snippet.bicep", text);
    }

    private static void assertFails(List<String> problems, String expectedFragment) {
        assertFalse(problems.isEmpty(), "expected a problem mentioning `" + expectedFragment + "`");
        assertTrue(problems.stream().anyMatch(p -> p.contains(expectedFragment)),
                "expected `" + expectedFragment + "` in " + problems);
    }

    // ---- item 2: wiring and the immutability role ------------------------------------------

    private static final BicepFile CALLEE = bicep("""
            @description('d')
            param name string
            @description('d')
            param restoreVerify string = 'sha256'
            """);

    private static final String CALLER = """
            module functionApp 'app/function.bicep' = {
              name: 'function'
              params: {
                name: 'x'
                restoreVerify: restoreVerify
              }
            }
            """;

    @Test
    void moduleThatLeavesAParamAtItsDefaultFails() {
        assertEquals(List.of(), DeployChecks.checkModulePassesEveryParam(bicep(CALLER), "app/function.bicep", CALLEE));
        assertFails(DeployChecks.checkModulePassesEveryParam(bicep(CALLER.replace("    restoreVerify: restoreVerify\n", "")),
                "app/function.bicep", CALLEE), "does not pass restoreVerify");
        assertFails(DeployChecks.checkModulePassesEveryParam(bicep(""), "app/function.bicep", CALLEE), "does not call");
    }

    private static final String RBAC = """
            param principalId string
            param writer bool
            resource container 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' existing = {
              name: 'c'
            }
            var action = 'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/immutableStorage/runAsSuperUser/action'
            resource role 'Microsoft.Authorization/roleDefinitions@2022-04-01' = if (writer) {
              name: guid(resourceGroup().id, 'w')
              properties: {
                roleName: 'w'
                permissions: [
                  {
                    dataActions: [
                      action
                    ]
                  }
                ]
                assignableScopes: [
                  resourceGroup().id
                ]
              }
            }
            resource grant 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (writer) {
              name: guid(container.id, principalId, 'w')
              scope: container
              properties: {
                roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role!.name)
                principalId: principalId
              }
            }
            """;

    private static final Set<String> WITH_IMMUTABILITY = Set.of("PGVAULT_VAULT_IMMUTABILITY_DAYS");

    @Test
    void immutabilityRoleChecks() {
        assertEquals(List.of(), DeployChecks.checkImmutabilityGrant(WITH_IMMUTABILITY, List.of(bicep(RBAC))));
        assertEquals(List.of(), DeployChecks.checkImmutabilityGrant(Set.of("PGVAULT_OTHER"), List.of(bicep(""))),
                "nothing is required when the app sets no immutability policies");
        // What rbac.bicep had: only Storage Blob Data Contributor, no role with the data action.
        assertFails(DeployChecks.checkImmutabilityGrant(WITH_IMMUTABILITY,
                List.of(bicep(RBAC.replace("immutableStorage/runAsSuperUser/action", "write")))), "403");
        assertFails(DeployChecks.checkImmutabilityGrant(WITH_IMMUTABILITY,
                List.of(bicep(RBAC.replace("roleAssignments@2022-04-01' = if (writer) {", "roleAssignments@2022-04-01' = {")))),
                "role assignment grant of role is not conditional");
        assertFails(DeployChecks.checkImmutabilityGrant(WITH_IMMUTABILITY,
                List.of(bicep(RBAC.replace("roleDefinitions@2022-04-01' = if (writer) {", "roleDefinitions@2022-04-01' = {")))),
                "role definition role is not conditional");
        assertFails(DeployChecks.checkImmutabilityGrant(WITH_IMMUTABILITY,
                List.of(bicep(RBAC.replace("role!.name", "'ba92f5b4-2d11-453d-a403-e96b0029c9fe'")))),
                "never assigned");
        assertFails(DeployChecks.checkImmutabilityGrant(WITH_IMMUTABILITY,
                List.of(bicep(RBAC.replace("      resourceGroup().id\n", "      subscription().id\n")))),
                "assignable at subscription scope");
    }

    // ---- item 3: azure.yaml -----------------------------------------------------------------

    private static final String YAML = """
            name: pgvault
            requiredVersions:
              azd: '>= 1.30.0'
            services:
              pgvault:
                project: .
                language: docker
                host: function # container deployment
                docker:
                  path: ./Dockerfile
            """;

    @Test
    void azureYamlChecks() {
        assertEquals(List.of(), AzdChecks.checkAzureYaml(YAML, "pgvault"));
        assertEquals(List.of(), AzdChecks.checkAzureYaml(YAML.replace("'>= 1.30.0'", "\">= 1.31.0 != 1.31.1\""), "pgvault"));
        assertFails(AzdChecks.checkAzureYaml(YAML.replace("host: function", "host: appservice"), "pgvault"),
                "has host: appservice");
        assertFails(AzdChecks.checkAzureYaml(YAML.replace("requiredVersions:\n  azd: '>= 1.30.0'\n", ""), "pgvault"),
                "no requiredVersions.azd");
        assertFails(AzdChecks.checkAzureYaml(YAML.replace("1.30.0", "1.27.0"), "pgvault"), "allows azd below 1.30.0");
        assertFails(AzdChecks.checkAzureYaml(YAML.replace("'>= 1.30.0'", "'!= 1.29.0'"), "pgvault"),
                "allows azd below 1.30.0");
        assertFails(AzdChecks.checkAzureYaml(YAML.replace("language: docker", "language: java"), "pgvault"),
                "not language: docker");
        // A key of the same name deeper down is not the service's host.
        assertFails(AzdChecks.checkAzureYaml(YAML.replace("    host: function # container deployment\n", "")
                + "    hooks:\n      host: function\n", "pgvault"), "has host: (none)");
    }

    @Test
    void semverLowerBound() {
        assertEquals(Optional.of("1.30.0"), AzdChecks.lowerBound(">= 1.30.0"));
        assertEquals(Optional.of("1.31.0"), AzdChecks.lowerBound(">=1.29.0 >= 1.31.0 < 2.0.0"));
        assertEquals(Optional.empty(), AzdChecks.lowerBound("< 2.0.0"));
        assertTrue(AzdChecks.compareVersions("1.9.0", "1.30.0") < 0, "numeric, not lexical");
    }

    // ---- item 6: key vault groups -------------------------------------------------------------

    private static final String KV_MAIN = """
            targetScope = 'subscription'
            @description('d')
            param kvResourceGroupName string = ''
            var kvRg = !empty(kvResourceGroupName) ? kvResourceGroupName : fail('the key needs kvResourceGroupName. HINT: set it.')
            resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
              name: 'rg'
              location: 'x'
            }
            module access 'app/rbac-keyvault.bicep' = {
              name: 'access'
              scope: resourceGroup(kvRg)
              params: {}
            }
            """;

    @Test
    void keyVaultGroupFallingBackToTheCreatedGroupFails() {
        assertEquals(List.of(), DeployChecks.checkResourceGroupGuards(bicep(KV_MAIN)));
        // What main.bicep had: the created group as the silent default.
        assertFails(DeployChecks.checkResourceGroupGuards(bicep(KV_MAIN.replace("scope: resourceGroup(kvRg)",
                "scope: resourceGroup(!empty(kvResourceGroupName) ? kvResourceGroupName : rg.name)"))),
                "falls back when kvResourceGroupName is empty");
        // A fail() that does not say which parameter to set is no help either.
        assertFails(DeployChecks.checkResourceGroupGuards(bicep(KV_MAIN.replace("needs kvResourceGroupName", "needs a group")
                .replace("HINT: set it.", "HINT: set the group."))), "falls back when kvResourceGroupName is empty");
    }

    // ---- item 9: burst and subnet -------------------------------------------------------------

    private static final String PLAN = """
            @description('d')
            param maximumBurst int = 1
            resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
              name: 'p'
              properties: {
                maximumElasticWorkerCount: isElastic ? maximumBurst : null
              }
            }
            resource site 'Microsoft.Web/sites@2024-04-01' = {
              name: 's'
              properties: {
                siteConfig: {
                  functionAppScaleLimit: isElastic ? maximumBurst : null
                }
              }
            }
            """;

    @Test
    void burstPinnedToALiteralFails() {
        assertEquals(List.of(), DeployChecks.checkScaleOut(bicep(PLAN)));
        // What function.bicep had: a burst of 1 nobody can change.
        assertFails(DeployChecks.checkScaleOut(bicep(PLAN.replace("maximumElasticWorkerCount: isElastic ? maximumBurst : null",
                "maximumElasticWorkerCount: isElastic ? 1 : null"))), "maximumElasticWorkerCount is `isElastic ? 1 : null`");
        assertFails(DeployChecks.checkScaleOut(bicep(PLAN.replace("functionAppScaleLimit: isElastic ? maximumBurst : null",
                "functionAppScaleLimit: 1"))), "functionAppScaleLimit is `1`");
        assertFails(DeployChecks.checkScaleOut(bicep(PLAN.replace("    maximumElasticWorkerCount: isElastic ? maximumBurst : null\n",
                ""))), "maximumElasticWorkerCount is not set");
    }

    @Test
    void subnetTooSmallFails() {
        assertEquals(List.of(), DeployChecks.checkSubnetSize("10.42.0.0/25", 1));
        assertEquals(List.of(), DeployChecks.checkSubnetSize("10.42.0.0/25", 61));
        assertEquals(List.of(), DeployChecks.checkSubnetSize("10.42.0.0/24", 100));
        // What vnet.bicep and main.bicep had: /26, 59 addresses.
        assertFails(DeployChecks.checkSubnetSize("10.42.0.0/26", 1), "59 available addresses; Elastic Premium asks");
        assertFails(DeployChecks.checkSubnetSize("10.42.0.0/25", 62), "needs 124 while scaling");
        assertFails(DeployChecks.checkSubnetSize("10.42.0.0", 1), "not an IPv4 subnet prefix");
    }

    // ---- items 1 and 7 --------------------------------------------------------------------------

    @Test
    void hardcodedCloudHostFails() {
        assertEquals(List.of(), BicepLintChecks.checkNoHardcodedEnvUrls(bicep(
                "var u = split('https://unused.invalid/secrets/unused', '/')\nvar k = 'keyvault.azure.network'\n")));
        // What main.bicep had, in a var and in a description.
        assertFails(BicepLintChecks.checkNoHardcodedEnvUrls(bicep(
                "var u = split('https://unused.vault.azure.net/secrets/unused', '/')\n")), "hard-codes vault.azure.net");
        assertFails(BicepLintChecks.checkNoHardcodedEnvUrls(bicep(
                "@description('https://<account>.blob.core.windows.net is allowed')\nparam p array = []\n")),
                "hard-codes core.windows.net");
        assertTrue(BicepLintChecks.containsHost("x.VAULT.AZURE.NET/", "vault.azure.net"), "case-insensitive like the linter");
    }

    private static final String CONDITIONAL = """
            param on bool
            module vnet 'app/vnet.bicep' = if (on) {
              name: 'vnet'
            }
            output ID string = on ? vnet!.outputs.ID : ''
            """;

    @Test
    void conditionalOutputWithoutNullForgivingFails() {
        assertEquals(List.of(), BicepLintChecks.checkConditionalAccess(bicep(CONDITIONAL)));
        assertFails(BicepLintChecks.checkConditionalAccess(bicep(CONDITIONAL.replace("vnet!.outputs", "vnet.outputs"))),
                "`vnet.outputs` reads conditional vnet");
        // The module wiring rule still sees `vnet!.outputs.X` and checks X exists.
        BicepFile callee = bicep("@description('d')\nparam p string = ''\noutput ID string = p\n");
        assertEquals(List.of(), InfraChecks.checkModules(bicep(CONDITIONAL), Map.of("app/vnet.bicep", callee)));
        assertFails(InfraChecks.checkModules(bicep(CONDITIONAL.replace("outputs.ID", "outputs.IDS")),
                Map.of("app/vnet.bicep", callee)), "vnet!.outputs.IDS is not an output");
    }

    private static final String REGISTRY = """
            resource registry 'Microsoft.ContainerRegistry/registries@2025-04-01' = {
              name: 'r'
              properties: {
                anonymousPullEnabled: false
              }
            }
            """;

    @Test
    void propertyUnknownToTheApiVersionFails() {
        assertEquals(List.of(), BicepLintChecks.checkPropertiesKnownByApiVersion(bicep(REGISTRY)));
        // What registry.bicep had.
        assertFails(BicepLintChecks.checkPropertiesKnownByApiVersion(bicep(REGISTRY.replace("2025-04-01", "2023-07-01"))),
                "registries@2023-07-01 does not have");
        assertEquals(List.of(), BicepLintChecks.checkPropertiesKnownByApiVersion(bicep(REGISTRY.replace("2025-04-01", "2023-07-01")
                .replace("    anonymousPullEnabled: false\n", ""))), "without the property the old version is fine");
    }
}
