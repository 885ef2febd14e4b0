package io.pgvault.infra;

import io.pgvault.infra.BicepFile.Param;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The deploy-time rules of {@link DeployChecks} (issue 16) applied to the real infra/ files,
 * azure.yaml and the Dockerfile. Plain JUnit over text, no Bicep CLI, azd or Azure: what it cannot
 * see (Azure accepting a value) is listed in infra/README.md.
 */
class InfraDeployConsistencyTest {

    static Path root;
    static Map<String, BicepFile> bicep;
    static BicepFile main;
    static BicepFile function;

    @BeforeAll
    static void load() throws Exception {
        root = InfraConsistencyTest.projectRoot();
        bicep = new LinkedHashMap<>();
        try (Stream<Path> files = Files.walk(root.resolve("infra"))) {
            for (Path p : files.filter(f -> f.toString().endsWith(".bicep")).sorted().toList()) {
                String rel = root.relativize(p).toString().replace('\\', '/');
                bicep.put(rel, BicepFile.parse(rel, Files.readString(p)));
            }
        }
        main = bicep.get("infra/main.bicep");
        function = bicep.get("infra/app/function.bicep");
        assertTrue(main != null && function != null, "infra/main.bicep and infra/app/function.bicep exist");
    }

    private static void assertNoProblems(List<String> problems) {
        if (!problems.isEmpty()) {
            fail(problems.size() + " problem(s):\n  - " + String.join("\n  - ", problems));
        }
    }

    private static Param mainParam(String name) {
        return main.params().stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("infra/main.bicep has no param " + name));
    }

    @Test
    void everyFunctionParamIsSettableFromMain() {
        assertNoProblems(DeployChecks.checkModulePassesEveryParam(main, "app/function.bicep", function));
        assertTrue(function.params().stream().anyMatch(p -> p.name().equals("vaultImmutabilityDays")),
                "the parser found function.bicep's params");
    }

    @Test
    void immutabilityPolicyWriterIsGrantedOnlyWhenUsed() {
        List<String> problems = new ArrayList<>();
        Set<String> keys = InfraChecks.appSettingKeys(function, problems);
        assertTrue(keys.contains("PGVAULT_VAULT_IMMUTABILITY_DAYS"), "the app sets PGVAULT_VAULT_IMMUTABILITY_DAYS");
        List<BicepFile> rbac = bicep.entrySet().stream().filter(e -> e.getKey().matches("infra/app/rbac[^/]*\\.bicep"))
                .map(Map.Entry::getValue).toList();
        problems.addAll(DeployChecks.checkImmutabilityGrant(keys, rbac));
        assertNoProblems(problems);
    }

    @Test
    void azureYamlPinsAzdForFunctionContainers() throws Exception {
        String service = function.params().stream().filter(p -> p.name().equals("serviceName")).findFirst()
                .orElseThrow().defaultValue().replace("'", "");
        assertNoProblems(AzdChecks.checkAzureYaml(Files.readString(root.resolve("azure.yaml")), service));
    }

    @Test
    void keyVaultResourceGroupsAreRequiredNotDefaulted() {
        assertNoProblems(DeployChecks.checkResourceGroupGuards(main));
        assertEquals("''", mainParam("pgPasswordKeyVaultResourceGroupName").defaultValue(),
                "the guarded param still defaults to '' (the rule would not look at it otherwise)");
        assertEquals("''", mainParam("vaultCmkKeyVaultResourceGroupName").defaultValue());
    }

    @Test
    void scaleOutFollowsTheBurstParamAndTheSubnetHoldsIt() {
        assertNoProblems(DeployChecks.checkScaleOut(function));
        int burst = Integer.parseInt(mainParam("planMaximumBurst").defaultValue());
        String prefix = mainParam("vnetIntegrationSubnetPrefix").defaultValue().replace("'", "");
        assertNoProblems(DeployChecks.checkSubnetSize(prefix, burst));
        Param vnetDefault = bicep.get("infra/app/vnet.bicep").params().stream()
                .filter(p -> p.name().equals("integrationSubnetPrefix")).findFirst().orElseThrow();
        assertNoProblems(DeployChecks.checkSubnetSize(vnetDefault.defaultValue().replace("'", ""), burst));
        // main.bicep refuses, at deploy time, a created subnet too small for the burst asked for.
        String vnetCall = main.modules().stream().filter(m -> m.path().equals("app/vnet.bicep")).findFirst()
                .orElseThrow().body();
        String passed = BicepFile.objectEntry(vnetCall, "params").map(BicepFile::entries).orElseThrow()
                .get("integrationSubnetPrefix");
        String resolved = DeployChecks.resolveVars(main, passed);
        assertTrue(resolved.contains("fail(") && resolved.contains("planMaximumBurst"),
                "the created subnet's prefix is checked against planMaximumBurst with fail(): " + resolved);
    }

    @Test
    void nothingTheBicepLinterOrCompilerFlags() {
        List<String> problems = new ArrayList<>();
        for (BicepFile f : bicep.values()) {
            problems.addAll(BicepLintChecks.checkNoHardcodedEnvUrls(f));
            problems.addAll(BicepLintChecks.checkConditionalAccess(f));
            problems.addAll(BicepLintChecks.checkPropertiesKnownByApiVersion(f));
        }
        assertNoProblems(problems);
        assertFalse(main.modules().stream().noneMatch(m -> DeployChecks.isConditional(main, m.symbol())),
                "the parser sees main.bicep's conditional modules");
    }
}
