package io.pgvault.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgvault.config.PgvaultConfig;
import io.pgvault.infra.BicepFile.Module;
import io.pgvault.infra.BicepFile.Param;
import io.pgvault.infra.ConfigSettings.Setting;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Keeps infra/ (Bicep), the Dockerfile, host.json and local.settings.sample.json consistent with
 * the Java code and the support matrix. Plain JUnit (no Quarkus boot) and no Bicep CLI: the Bicep
 * files are read as text by {@link BicepFile}; the rules are in {@link InfraChecks} and each one
 * is shown to fail on a bad snippet in {@link InfraChecksNegativeTest}.
 */
class InfraConsistencyTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static Path root;
    static Map<Path, BicepFile> bicep;
    static BicepFile main;
    static BicepFile function;
    static Map<String, Setting> mapping;
    static Pom pom;

    record Pom(String artifactId, String version, String finalName, Map<String, String> properties) {
    }

    @BeforeAll
    static void load() throws Exception {
        root = projectRoot();
        bicep = new LinkedHashMap<>();
        try (Stream<Path> files = Files.walk(root.resolve("infra"))) {
            for (Path p : files.filter(f -> f.toString().endsWith(".bicep")).sorted().toList()) {
                bicep.put(p.toAbsolutePath().normalize(), BicepFile.parse(root.relativize(p).toString(), Files.readString(p)));
            }
        }
        main = bicep.get(root.resolve("infra/main.bicep").toAbsolutePath().normalize());
        function = bicep.get(root.resolve("infra/app/function.bicep").toAbsolutePath().normalize());
        assertTrue(main != null, "infra/main.bicep is missing");
        assertTrue(function != null, "infra/app/function.bicep is missing");
        mapping = ConfigSettings.of(PgvaultConfig.class);
        pom = readPom(root.resolve("pom.xml"));
    }

    static Path projectRoot() {
        Path dir = Paths.get("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("pom.xml"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            fail("no pom.xml above " + Paths.get("").toAbsolutePath());
        }
        return dir;
    }

    private static void assertNoProblems(List<String> problems) {
        if (!problems.isEmpty()) {
            fail(problems.size() + " problem(s):\n  - " + String.join("\n  - ", problems));
        }
    }

    // ------------------------------------------------------------------------------------------

    @Test
    void mappingIsDerivedByReflection() {
        assertFalse(mapping.isEmpty(), "no settings found in " + PgvaultConfig.class.getName());
        assertTrue(mapping.keySet().stream().allMatch(k -> k.startsWith(InfraChecks.SETTING_PREFIX)),
                "every setting is under PGVAULT_: " + mapping.keySet());
    }

    @Test
    void functionAppSettingsMatchTheJavaMapping() {
        List<String> problems = new ArrayList<>();
        Set<String> keys = InfraChecks.appSettingKeys(function, problems);
        problems.addAll(InfraChecks.checkAppSettings(keys, mapping, InfraChecks.omittedSettings(function)));
        assertNoProblems(problems);
        assertTrue(keys.stream().filter(k -> k.startsWith(InfraChecks.SETTING_PREFIX)).count() >= mapping.size() / 2,
                "the parser found the PGVAULT_* app settings: " + keys);
        assertTrue(keys.contains("BACKUP_SCHEDULE"), "BACKUP_SCHEDULE (the timer trigger's %BACKUP_SCHEDULE%) is set");
        assertTrue(keys.contains("AzureWebJobsStorage__credential"), "identity-based AzureWebJobsStorage");
        assertFalse(keys.contains("AzureWebJobsStorage"), "no AzureWebJobsStorage connection string (shared key is off)");
    }

    @Test
    void everyAlertTheIssueAsksForIsARuleOnTheWorkspaceAndDocumented() throws IOException {
        BicepFile alerts = bicep.get(root.resolve("infra/app/alerts.bicep").toAbsolutePath().normalize());
        assertTrue(alerts != null, "infra/app/alerts.bicep is missing");
        assertNoProblems(AlertChecks.checkAlerts(alerts));
        Module wired = main.modules().stream().filter(m -> m.path().equals("app/alerts.bicep")).findFirst().orElse(null);
        assertTrue(wired != null, "main.bicep deploys app/alerts.bicep");
        assertTrue(wired.body().contains("monitoring.outputs.LOG_ANALYTICS_ID"), "alerts watch the app's workspace: " + wired.body());
        String ops = Files.readString(root.resolve("docs/operations.md"));
        for (BicepFile.Resource r : alerts.resources()) {
            if (r.type().equals(AlertChecks.RULE_TYPE)) {
                String props = BicepFile.objectEntry(r.body(), "properties").orElse("{}");
                String name = BicepFile.entries(props).getOrDefault("displayName", "?").replace("'", "");
                assertTrue(ops.contains(name), "docs/operations.md documents the rule `" + name + "`");
            }
        }
    }

    @Test
    void everyTimerScheduleIsAnAppSetting() throws IOException {
        List<String> timers = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root.resolve("src/main/java"))) {
            for (Path p : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                timers.addAll(AlertChecks.timerSettings(Files.readString(p)));
            }
        }
        assertTrue(timers.containsAll(List.of("BACKUP_SCHEDULE", "WATCH_SCHEDULE")), "the scan found the timers: " + timers);
        List<String> problems = new ArrayList<>();
        Set<String> keys = InfraChecks.appSettingKeys(function, problems);
        List<String> sample = new ArrayList<>();
        JSON.readTree(root.resolve("local.settings.sample.json").toFile()).path("Values").fieldNames().forEachRemaining(sample::add);
        problems.addAll(AlertChecks.checkTimerSettings(timers, keys, sample));
        assertNoProblems(problems);
    }

    @Test
    void localSettingsSampleMatchesTheJavaMapping() throws IOException {
        JsonNode values = JSON.readTree(root.resolve("local.settings.sample.json").toFile()).path("Values");
        List<String> keys = new ArrayList<>();
        values.fieldNames().forEachRemaining(keys::add);
        assertNoProblems(InfraChecks.checkLocalSettings(keys, mapping));
    }

    @Test
    void noLifecycleRuleOrTierUsesArchive() {
        List<String> problems = new ArrayList<>();
        bicep.values().forEach(f -> problems.addAll(InfraChecks.checkNoArchive(f)));
        assertNoProblems(problems);
    }

    @Test
    void roleAssignmentsAreNamedWithGuidAndScopedToOneResource() {
        List<String> problems = new ArrayList<>();
        int count = 0;
        for (BicepFile f : bicep.values()) {
            problems.addAll(InfraChecks.checkRoleAssignments(f));
            count += (int) f.resources().stream().filter(r -> r.type().equals(InfraChecks.ROLE_ASSIGNMENT_TYPE)).count();
        }
        assertNoProblems(problems);
        assertTrue(count > 0, "the checks found no role assignment at all: the parser missed them");
    }

    @Test
    void roleAssignmentsLiveInTheRbacModules() {
        for (BicepFile f : bicep.values()) {
            boolean hasAssignments = f.resources().stream().anyMatch(r -> r.type().equals(InfraChecks.ROLE_ASSIGNMENT_TYPE));
            if (hasAssignments) {
                assertTrue(f.name.replace('\\', '/').matches("infra/app/rbac[^/]*\\.bicep"),
                        f + " declares role assignments; keep them in infra/app/rbac*.bicep");
            }
        }
    }

    @Test
    void outputsAreUpperSnake() {
        List<String> problems = new ArrayList<>();
        bicep.values().forEach(f -> problems.addAll(InfraChecks.checkOutputs(f)));
        assertNoProblems(problems);
        assertTrue(main.outputNames().contains("RESTORE_TARGET_ROLE_ASSIGNMENT_SAMPLE"));
    }

    @Test
    void everyParamHasADescriptionAndEveryStatementIsUnderstood() {
        List<String> problems = new ArrayList<>();
        bicep.values().forEach(f -> {
            problems.addAll(InfraChecks.checkParamDescriptions(f));
            problems.addAll(InfraChecks.checkParsable(f));
        });
        assertNoProblems(problems);
    }

    @Test
    void mainIsSubscriptionScopedAndCreatesTheResourceGroup() {
        assertEquals("subscription", main.targetScope().orElse(""), "infra/main.bicep targetScope");
        assertTrue(main.resources().stream().anyMatch(r -> r.type().equals("Microsoft.Resources/resourceGroups")),
                "infra/main.bicep creates the resource group");
    }

    @Test
    void modulesAreWiredConsistently() {
        List<String> problems = new ArrayList<>();
        assertTrue(main.modules().size() >= 5, "infra/main.bicep calls its modules (parser found "
                + main.modules().size() + ")");
        for (Map.Entry<Path, BicepFile> e : bicep.entrySet()) {
            Map<String, BicepFile> targets = new HashMap<>();
            for (Module m : e.getValue().modules()) {
                BicepFile target = bicep.get(e.getKey().getParent().resolve(m.path()).normalize());
                if (target != null) {
                    targets.put(m.path(), target);
                }
            }
            problems.addAll(InfraChecks.checkModules(e.getValue(), targets));
        }
        assertNoProblems(problems);
    }

    @Test
    void parameterFileOnlySetsDeclaredParams() throws IOException {
        JsonNode params = JSON.readTree(root.resolve("infra/main.parameters.json").toFile()).path("parameters");
        List<String> names = new ArrayList<>();
        params.fieldNames().forEachRemaining(names::add);
        assertFalse(names.isEmpty(), "infra/main.parameters.json has parameters");
        assertNoProblems(InfraChecks.checkParameterFile(main, names));
    }

    @Test
    void hostingPlanAllowsMultiHourDumps() {
        List<String> problems = new ArrayList<>();
        bicep.values().forEach(f -> problems.addAll(InfraChecks.checkNoConsumptionPlan(f)));
        assertNoProblems(problems);
        assertTrue(function.resources().stream().anyMatch(r -> r.type().equals("Microsoft.Web/sites")
                && r.body().contains("'functionapp,linux,container'")), "a Linux container function app");
    }

    @Test
    void hostJsonTimeoutOutlastsEveryTimeoutSetting() throws IOException {
        JsonNode host = JSON.readTree(root.resolve("host.json").toFile());
        assertEquals("2.0", host.path("version").asText());
        assertEquals("Microsoft.Azure.Functions.ExtensionBundle", host.path("extensionBundle").path("id").asText());
        assertEquals("[4.*, 5.0.0)", host.path("extensionBundle").path("version").asText());

        // Every *_TIMEOUT setting bounds work done inside one function execution: the host must
        // not stop the execution first. Java defaults and the Bicep params' defaults both count.
        assertTrue(mapping.containsKey("PGVAULT_BACKUP_TIMEOUT"),
                "PGVAULT_BACKUP_TIMEOUT exists (update this test if the setting was renamed)");
        Duration longest = Duration.ZERO;
        for (Setting s : mapping.values()) {
            if (s.envName().endsWith("_TIMEOUT") && s.defaultValue() != null
                    && s.method().getReturnType() == Duration.class) {
                Duration d = Duration.parse(s.defaultValue());
                longest = d.compareTo(longest) > 0 ? d : longest;
            }
        }
        for (Param p : main.params()) {
            if (p.name().endsWith("Timeout") && p.defaultValue() != null && p.defaultValue().startsWith("'P")) {
                Duration d = Duration.parse(p.defaultValue().replace("'", ""));
                longest = d.compareTo(longest) > 0 ? d : longest;
            }
        }
        assertTrue(longest.compareTo(Duration.ofHours(1)) > 0, "found the backup timeout default: " + longest);
        assertNoProblems(InfraChecks.checkFunctionTimeout(host.path("functionTimeout").asText(null), longest));
        // The time budget the preflight judges backups by mirrors host.json's timeout (pgvault cannot read host.json).
        Setting budget = mapping.get("PGVAULT_BACKUP_TIME_BUDGET");
        assertEquals(InfraChecks.parseFunctionTimeout(host.path("functionTimeout").asText(null)).orElseThrow(),
                Duration.parse(budget.defaultValue()), "pgvault.backup.time-budget's default = host.json functionTimeout");
    }

    @Test
    void dockerfileCopiesWhatMvnPackageWrites() throws IOException {
        String name = pom.properties().get("functionAppName");
        assertNoProblems(InfraChecks.checkDockerfile(Files.readString(root.resolve("Dockerfile")), name));
        assertNoProblems(InfraChecks.checkDockerignore(Files.readString(root.resolve(".dockerignore")), name));
    }

    @Test
    void theWorkerUsesTheArchiveTheDockerfileWrites() throws IOException {
        String bin = Files.readString(root.resolve("bin/pgvault"));
        assertNoProblems(InfraChecks.checkWorkerArchive(Files.readString(root.resolve("infra/app/function.bicep")),
                Files.readString(root.resolve("Dockerfile")), bin));
        // The CLI's archive is trained with bin/pgvault's memory options too (pom.xml, class-data-sharing-archive).
        java.util.regex.Matcher memory = java.util.regex.Pattern.compile("MEMORY_OPTS=\\(([^)]*)\\)").matcher(bin);
        assertTrue(memory.find(), "bin/pgvault sets MEMORY_OPTS");
        assertTrue(Files.readString(root.resolve("pom.xml")).contains("<arg line=\"" + memory.group(1) + "\"/>"),
                "pom.xml's class-data-sharing training run uses bin/pgvault's memory options " + memory.group(1));
    }

    @Test
    void mvnPackageWritesTheFolderTheDockerfileCopies() throws IOException {
        Map<String, String> appProps = new HashMap<>();
        Path ap = root.resolve("src/main/resources/application.properties");
        if (Files.exists(ap)) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(ap)) {
                p.load(r);
            }
            p.stringPropertyNames().forEach(k -> appProps.put(k, p.getProperty(k)));
        }
        String effective = InfraChecks.effectiveAppName(pom.properties(), appProps, pom.artifactId(), pom.version(),
                pom.finalName());
        assertNoProblems(InfraChecks.checkBuildOutput(pom.properties().get("functionAppName"), effective));
    }

    @Test
    void azureYamlDeploysTheContainer() throws IOException {
        String yaml = Files.readString(root.resolve("azure.yaml"));
        assertTrue(yaml.contains("path: ./Dockerfile"), "azure.yaml builds ./Dockerfile");
        assertTrue(yaml.contains("package -DskipTests"), "azure.yaml packages the app before the image build");
        Param serviceName = function.params().stream().filter(p -> p.name().equals("serviceName")).findFirst()
                .orElseThrow(() -> new AssertionError("function.bicep has a serviceName param (azd-service-name tag)"));
        String service = serviceName.defaultValue().replace("'", "");
        assertTrue(yaml.contains("\n  " + service + ":\n"), "azure.yaml has service " + service);
        assertTrue(function.resources().stream().anyMatch(r -> r.type().equals("Microsoft.Web/sites")
                && r.body().contains("'azd-service-name': serviceName")), "the function app is tagged azd-service-name");
    }

    // ------------------------------------------------------------------------------------------

    static Pom readPom(Path pomPath) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document doc = f.newDocumentBuilder().parse(pomPath.toFile());
        Element project = doc.getDocumentElement();
        Map<String, String> props = new LinkedHashMap<>();
        Element properties = child(project, "properties");
        if (properties != null) {
            NodeList list = properties.getChildNodes();
            for (int i = 0; i < list.getLength(); i++) {
                if (list.item(i) instanceof Element e) {
                    props.put(e.getTagName(), e.getTextContent().strip());
                }
            }
        }
        Element build = child(project, "build");
        Element finalName = build == null ? null : child(build, "finalName");
        return new Pom(text(child(project, "artifactId")), text(child(project, "version")),
                finalName == null ? null : text(finalName), props);
    }

    private static Element child(Element parent, String tag) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(tag)) {
                return e;
            }
        }
        return null;
    }

    private static String text(Element e) {
        return e == null ? null : e.getTextContent().strip();
    }
}
