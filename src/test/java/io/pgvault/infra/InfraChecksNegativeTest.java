package io.pgvault.infra;

import io.pgvault.infra.ConfigSettings.Setting;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every rule of {@link InfraChecks} fed a deliberately bad input, to show it can fail (and a
 * matching good input, to show it is not failing on everything).
 */
class InfraChecksNegativeTest {

    /**
     * A small mapping exercising what the deriver must understand. Deliberately without
     * {@code @ConfigMapping}: Quarkus would register it in @QuarkusTest runs and demand its settings.
     */
    interface DemoConfig {
        @WithName("server-name")
        String serverName();

        Db db();

        interface Db {
            @WithDefault("5432")
            int port();

            String host();

            Optional<String> password();

            Optional<Extra> extra();
        }

        interface Extra {
            String mustHaveIfPresent();
        }
    }

    private static final Map<String, Setting> DEMO =
            ConfigSettings.of(DemoConfig.class, "pgvault", ConfigMapping.NamingStrategy.KEBAB_CASE);

    private static BicepFile bicep(String text) {
        return BicepFile.parse("snippet.bicep", text);
    }

    private static void assertFails(List<String> problems, String expectedFragment) {
        assertFalse(problems.isEmpty(), "expected a problem mentioning `" + expectedFragment + "`");
        assertTrue(problems.stream().anyMatch(p -> p.contains(expectedFragment)),
                "expected `" + expectedFragment + "` in " + problems);
    }

    // ---- mapping deriver ------------------------------------------------------------------

    @Test
    void deriverNamesRequiredAndOptionalSettings() {
        assertEquals(Set.of("PGVAULT_SERVER_NAME", "PGVAULT_DB_PORT", "PGVAULT_DB_HOST", "PGVAULT_DB_PASSWORD",
                "PGVAULT_DB_EXTRA_MUST_HAVE_IF_PRESENT"), DEMO.keySet());
        assertTrue(DEMO.get("PGVAULT_SERVER_NAME").required(), "@WithName leaf without default is required");
        assertTrue(DEMO.get("PGVAULT_DB_HOST").required(), "camelCase leaf without default is required");
        assertFalse(DEMO.get("PGVAULT_DB_PORT").required(), "@WithDefault is optional");
        assertEquals("5432", DEMO.get("PGVAULT_DB_PORT").defaultValue());
        assertFalse(DEMO.get("PGVAULT_DB_PASSWORD").required(), "Optional is optional");
        assertFalse(DEMO.get("PGVAULT_DB_EXTRA_MUST_HAVE_IF_PRESENT").required(), "inside an Optional group");
        assertEquals("pgvault.db.extra.must-have-if-present",
                DEMO.get("PGVAULT_DB_EXTRA_MUST_HAVE_IF_PRESENT").property());
    }

    // ---- app settings ---------------------------------------------------------------------

    private static final String FUNCTION = """
            param host string
            var appSettings = union({
              FUNCTIONS_WORKER_RUNTIME: 'java'
              PGVAULT_SERVER_NAME: 'x'
              PGVAULT_DB_HOST: host
            }, empty(host) ? {} : {
              PGVAULT_DB_PASSWORD: '@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/pw)'
            })
            // pgvault-omitted: PGVAULT_DB_PORT (default is right)
            // pgvault-omitted: PGVAULT_DB_EXTRA_MUST_HAVE_IF_PRESENT (not used in Azure)
            resource site 'Microsoft.Web/sites@2024-04-01' = {
              name: 'x'
              properties: {
                siteConfig: {
                  appSettings: [for s in items(appSettings): { name: s.key, value: s.value }]
                }
              }
            }
            """;

    private static List<String> appSettingProblems(String text) {
        BicepFile f = bicep(text);
        List<String> problems = new ArrayList<>();
        Set<String> keys = InfraChecks.appSettingKeys(f, problems);
        problems.addAll(InfraChecks.checkAppSettings(keys, DEMO, InfraChecks.omittedSettings(f)));
        return problems;
    }

    @Test
    void goodAppSettingsPass() {
        assertEquals(List.of(), appSettingProblems(FUNCTION));
    }

    @Test
    void missingRequiredAppSettingFails() {
        assertFails(appSettingProblems(FUNCTION.replace("  PGVAULT_DB_HOST: host\n", "")),
                "PGVAULT_DB_HOST is missing");
    }

    @Test
    void appSettingNobodyReadsFails() {
        assertFails(appSettingProblems(FUNCTION.replace("  PGVAULT_DB_HOST: host\n",
                "  PGVAULT_DB_HOST: host\n  PGVAULT_DB_HOSTNAME: host\n")),
                "PGVAULT_DB_HOSTNAME is set but no method");
    }

    @Test
    void optionalSettingNeitherSetNorOmittedFails() {
        assertFails(appSettingProblems(FUNCTION.replace("// pgvault-omitted: PGVAULT_DB_PORT (default is right)\n", "")),
                "neither sets PGVAULT_DB_PORT");
    }

    @Test
    void appSettingsNotUsedBySiteFails() {
        assertFails(appSettingProblems(FUNCTION.replace("items(appSettings)", "items(otherSettings)")),
                "sets its app settings from appSettings");
    }

    @Test
    void localSettingsMismatchFails() {
        Map<String, Setting> m = new java.util.TreeMap<>();
        m.put("PGVAULT_A", new Setting("pgvault.a", "PGVAULT_A", true, null, false, null));
        assertEquals(List.of(), InfraChecks.checkLocalSettings(List.of("PGVAULT_A", "OTHER"), m));
        assertFails(InfraChecks.checkLocalSettings(List.of("PGVAULT_A", "PGVAULT_B"), m), "PGVAULT_B, which no method");
        assertFails(InfraChecks.checkLocalSettings(List.of("OTHER"), m), "lacks PGVAULT_A");
    }

    // ---- archive --------------------------------------------------------------------------

    private static final String LIFECYCLE = """
            resource vault 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
              name: 'v'
            }
            // A comment may say Archive and tierToArchive without tripping the rule.
            resource policy 'Microsoft.Storage/storageAccounts/managementPolicies@2023-05-01' = {
              parent: vault
              name: 'default'
              properties: {
                policy: {
                  rules: [
                    {
                      name: 'r'
                      type: 'Lifecycle'
                      definition: {
                        actions: {
                          baseBlob: {
                            tierToCool: {
                              daysAfterModificationGreaterThan: 30
                            }
                          }
                        }
                      }
                    }
                  ]
                }
              }
            }
            """;

    @Test
    void coolLifecycleRulePasses() {
        assertEquals(List.of(), InfraChecks.checkNoArchive(bicep(LIFECYCLE)));
    }

    @Test
    void tierToArchiveRuleFails() {
        assertFails(InfraChecks.checkNoArchive(bicep(LIFECYCLE.replace("tierToCool: {", "tierToArchive: {"))),
                "mentions Archive");
    }

    @Test
    void archiveAccessTierFails() {
        assertFails(InfraChecks.checkNoArchive(bicep("""
                @description('tier')
                @allowed([
                  'Hot'
                  'Archive'
                ])
                param tier string = 'Hot'
                """)), "string 'Archive'");
    }

    // ---- role assignments -----------------------------------------------------------------

    private static final String RBAC = """
            param principalId string
            resource vault 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
              name: 'v'
            }
            resource net 'Microsoft.Network/virtualNetworks@2024-05-01' existing = {
              name: 'n'
            }
            resource ok 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
              name: guid(vault.id, principalId, 'r')
              scope: vault
              properties: {
                roleDefinitionId: 'x'
                principalId: principalId
              }
            }
            """;

    private static String withAssignment(String nameExpr, String scopeLine) {
        return RBAC + """
                resource bad 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (true) {
                  name: %s
                %s  properties: {
                    roleDefinitionId: 'x'
                    principalId: principalId
                  }
                }
                """.formatted(nameExpr, scopeLine);
    }

    @Test
    void storageScopedGuidNamedAssignmentPasses() {
        assertEquals(List.of(), InfraChecks.checkRoleAssignments(bicep(RBAC)));
    }

    @Test
    void subscriptionScopedAssignmentFails() {
        assertFails(InfraChecks.checkRoleAssignments(bicep(withAssignment("guid('a')", "  scope: subscription()\n"))),
                "scoped to `subscription()`");
    }

    @Test
    void resourceGroupScopedAssignmentFails() {
        assertFails(InfraChecks.checkRoleAssignments(bicep(withAssignment("guid('a')", "  scope: resourceGroup()\n"))),
                "scoped to `resourceGroup()`");
    }

    @Test
    void unscopedAssignmentFails() {
        assertFails(InfraChecks.checkRoleAssignments(bicep("targetScope = 'subscription'\n"
                + withAssignment("guid('a')", ""))), "has no scope, so it applies to the whole subscription");
    }

    @Test
    void assignmentScopedToAnotherResourceTypeFails() {
        assertFails(InfraChecks.checkRoleAssignments(bicep(withAssignment("guid('a')", "  scope: net\n"))),
                "of type Microsoft.Network/virtualNetworks");
    }

    @Test
    void assignmentWithoutGuidNameFails() {
        assertFails(InfraChecks.checkRoleAssignments(bicep(withAssignment("'fixed-name'", "  scope: vault\n"))),
                "not named with guid(...)");
    }

    // ---- outputs, params, parse -----------------------------------------------------------

    @Test
    void nonUpperSnakeOutputFails() {
        assertEquals(List.of(), InfraChecks.checkOutputs(bicep("output VAULT_NAME string = 'v'\n")));
        assertFails(InfraChecks.checkOutputs(bicep("output vaultName string = 'v'\n")), "vaultName is not UPPER_SNAKE");
    }

    @Test
    void paramWithoutDescriptionFails() {
        assertEquals(List.of(), InfraChecks.checkParamDescriptions(bicep("@description('d')\n@minLength(1)\nparam a string\n")));
        assertFails(InfraChecks.checkParamDescriptions(bicep("@minLength(1)\nparam a string\n")), "param a has no @description");
    }

    @Test
    void unknownTopLevelTextFails() {
        assertFails(InfraChecks.checkParsable(bicep("param a string\nwhatever = 1\n")), "unrecognised top-level text");
    }

    @Test
    void moduleWiringMistakesFail() {
        BicepFile callee = bicep("""
                @description('d')
                param needed string
                @description('d')
                param optional string = ''
                output NAME string = needed
                """);
        String good = """
                module m 'app/m.bicep' = {
                  name: 'm'
                  params: {
                    needed: 'x'
                  }
                }
                output X string = m.outputs.NAME
                """;
        assertEquals(List.of(), InfraChecks.checkModules(bicep(good), Map.of("app/m.bicep", callee)));
        assertFails(InfraChecks.checkModules(bicep(good.replace("needed: 'x'", "optional: 'x'")),
                Map.of("app/m.bicep", callee)), "does not pass required param needed");
        assertFails(InfraChecks.checkModules(bicep(good.replace("needed: 'x'", "needed: 'x'\n    typo: 1")),
                Map.of("app/m.bicep", callee)), "passes param typo");
        assertFails(InfraChecks.checkModules(bicep(good.replace("outputs.NAME", "outputs.NAMES")),
                Map.of("app/m.bicep", callee)), "m.outputs.NAMES is not an output");
        assertFails(InfraChecks.checkModules(bicep(good), Map.of()), "does not exist");
    }

    @Test
    void parameterFileWithUndeclaredParamFails() {
        BicepFile main = bicep("@description('d')\nparam location string\n");
        assertEquals(List.of(), InfraChecks.checkParameterFile(main, List.of("location")));
        assertFails(InfraChecks.checkParameterFile(main, List.of("location", "locaton")), "sets locaton");
    }

    // ---- hosting --------------------------------------------------------------------------

    @Test
    void consumptionPlanFails() {
        assertEquals(List.of(), InfraChecks.checkNoConsumptionPlan(bicep("var sku = 'EP1'\n")));
        assertFails(InfraChecks.checkNoConsumptionPlan(bicep("var sku = 'Y1'\n")), "'Y1'");
        assertFails(InfraChecks.checkNoConsumptionPlan(bicep("var sku = 'FC1'\n")), "'FC1'");
    }

    @Test
    void functionTimeoutShorterThanBackupTimeoutFails() {
        Duration twelveHours = Duration.ofHours(12);
        assertEquals(List.of(), InfraChecks.checkFunctionTimeout("1.00:00:00", twelveHours));
        assertEquals(List.of(), InfraChecks.checkFunctionTimeout("-1", twelveHours));
        assertFails(InfraChecks.checkFunctionTimeout("00:30:00", twelveHours), "not longer than the backup timeout");
        assertFails(InfraChecks.checkFunctionTimeout("12h", twelveHours), "neither -1 nor");
        assertFails(InfraChecks.checkFunctionTimeout(null, twelveHours), "neither -1 nor");
    }

    // ---- Dockerfile and build output ------------------------------------------------------

    private static final String DOCKERFILE = """
            FROM mcr.microsoft.com/azure-functions/java:4-java21
            ARG PG_MAJOR=18
            RUN apt-get install -y "postgresql-client-${PG_MAJOR}"
            COPY target/azure-functions/pgvault/ /home/site/wwwroot/
            """;

    @Test
    void dockerfileChecks() {
        assertEquals(List.of(), InfraChecks.checkDockerfile(DOCKERFILE, "pgvault"));
        assertFails(InfraChecks.checkDockerfile(DOCKERFILE, "pgvault-0.1.0-SNAPSHOT"),
                "mvn package writes target/azure-functions/pgvault-0.1.0-SNAPSHOT");
        assertFails(InfraChecks.checkDockerfile(DOCKERFILE.replace("COPY target/azure-functions/pgvault/", "COPY target/app/"),
                "pgvault"), "copies target/app");
        assertFails(InfraChecks.checkDockerfile(DOCKERFILE.replace("PG_MAJOR=18", "PG_MAJOR=16"), "pgvault"),
                "client major 16");
        assertFails(InfraChecks.checkDockerfile(DOCKERFILE.replace("java:4-java21", "java:4-java17"), "pgvault"),
                "final image");
        assertFails(InfraChecks.checkDockerfile(DOCKERFILE.replace("\"postgresql-client-${PG_MAJOR}\"", "curl"),
                "pgvault"), "installs no postgresql-client");
    }

    @Test
    void workerArchiveChecks() {
        String memory = "-Xms32m -Xmx1g -XX:MaxMetaspaceSize=192m -XX:ReservedCodeCacheSize=64m -Xss512k";
        String bicep = "  languageWorkers__java__arguments: '" + memory
                + " -XX:SharedArchiveFile=/home/site/wwwroot/w.jsa -Xshare:auto -Xlog:cds=off'\n";
        String docker = "RUN java -XX:+TieredCompilation \\\n    " + memory
                + " \\\n    -XX:ArchiveClassesAtExit=/home/site/wwwroot/w.jsa -cp worker.jar T.java\n";
        String bin = "MEMORY_OPTS=(" + memory + ")\n";
        assertEquals(List.of(), InfraChecks.checkWorkerArchive(bicep, docker, bin));
        assertFails(InfraChecks.checkWorkerArchive(bicep.replace("w.jsa", "x.jsa"), docker, bin),
                "the worker uses /home/site/wwwroot/x.jsa but the Dockerfile writes /home/site/wwwroot/w.jsa");
        assertFails(InfraChecks.checkWorkerArchive(bicep.replace(" -XX:SharedArchiveFile=/home/site/wwwroot/w.jsa", ""),
                docker, bin), "names no -XX:SharedArchiveFile");
        assertFails(InfraChecks.checkWorkerArchive(bicep, docker.replace("ArchiveClassesAtExit", "Foo"), bin),
                "writes no archive");
        assertFails(InfraChecks.checkWorkerArchive(bicep.replace(" -Xshare:auto", ""), docker, bin), "lacks -Xshare:auto");
        assertFails(InfraChecks.checkWorkerArchive(bicep, docker.replace("-Xmx1g", "-Xmx2g"), bin),
                "training run lacks the worker's memory options");
        assertFails(InfraChecks.checkWorkerArchive(bicep, docker, bin.replace("-Xss512k", "-Xss1m")),
                "bin/pgvault's MEMORY_OPTS differ");
        assertFails(InfraChecks.checkWorkerArchive("", docker, bin), "no languageWorkers__java__arguments");
    }

    @Test
    void dockerignoreChecks() {
        String good = "*\n!target/azure-functions/pgvault/\ntarget/azure-functions/pgvault/local.settings.json\n"
                + "!src/main/cds/WorkerTraining.java\n!src/main/cds/classes.txt\n";
        assertEquals(List.of(), InfraChecks.checkDockerignore(good, "pgvault"));
        assertFails(InfraChecks.checkDockerignore("*\n", "pgvault"), "excludes target/azure-functions/pgvault/");
        assertFails(InfraChecks.checkDockerignore("*\n!target/\n", "pgvault"), "local.settings.json (local secrets)");
        assertFails(InfraChecks.checkDockerignore(good.replace("!src/main/cds/classes.txt\n", ""), "pgvault"),
                "excludes src/main/cds/classes.txt");
    }

    @Test
    void buildOutputChecks() {
        Map<String, String> pomProps = Map.of("functionAppName", "pgvault");
        String unwired = InfraChecks.effectiveAppName(pomProps, Map.of(), "pgvault", "0.1.0-SNAPSHOT", null);
        assertEquals("pgvault-0.1.0-SNAPSHOT", unwired);
        assertFails(InfraChecks.checkBuildOutput("pgvault", unwired), "quarkus.azure-functions.app-name");

        String viaPom = InfraChecks.effectiveAppName(Map.of("functionAppName", "pgvault",
                "quarkus.azure-functions.app-name", "${functionAppName}"), Map.of(), "pgvault", "0.1.0-SNAPSHOT", null);
        assertEquals(List.of(), InfraChecks.checkBuildOutput("pgvault", viaPom));

        String viaProperties = InfraChecks.effectiveAppName(pomProps,
                Map.of("quarkus.azure-functions.app-name", "pgvault"), "pgvault", "0.1.0-SNAPSHOT", null);
        assertEquals(List.of(), InfraChecks.checkBuildOutput("pgvault", viaProperties));
    }
}
