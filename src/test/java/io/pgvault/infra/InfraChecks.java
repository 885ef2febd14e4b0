package io.pgvault.infra;

import io.pgvault.infra.BicepFile.Module;
import io.pgvault.infra.BicepFile.Param;
import io.pgvault.infra.BicepFile.Resource;
import io.pgvault.infra.ConfigSettings.Setting;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The infra consistency rules, as pure functions from parsed inputs to a list of problems (empty:
 * fine). Kept apart from the tests that feed them the real files so that every rule can also be
 * fed a deliberately bad snippet and shown to fail.
 */
final class InfraChecks {

    /** Resource types a role assignment may be scoped to: single resources, never a group or subscription. */
    static final List<String> ALLOWED_ROLE_SCOPE_TYPES = List.of(
            "Microsoft.Storage/storageAccounts",
            "Microsoft.KeyVault/vaults",
            "Microsoft.ContainerRegistry/registries",
            "Microsoft.Insights/components");

    static final String ROLE_ASSIGNMENT_TYPE = "Microsoft.Authorization/roleAssignments";
    static final String MANAGEMENT_POLICY_TYPE = "Microsoft.Storage/storageAccounts/managementPolicies";
    static final Pattern UPPER_SNAKE = Pattern.compile("[A-Z][A-Z0-9]*(_[A-Z0-9]+)*");
    static final Pattern OMITTED_MARKER = Pattern.compile("//\\s*pgvault-omitted:\\s*([A-Z0-9_]+)");
    static final String SETTING_PREFIX = "PGVAULT_";

    private InfraChecks() {
    }

    // ------------------------------------------------------------------------------------------
    // App settings versus the Java config mapping
    // ------------------------------------------------------------------------------------------

    /** The function app's settings: the keys of {@code var appSettings}, which the site must use. */
    static Set<String> appSettingKeys(BicepFile function, List<String> problems) {
        Optional<String> expr = function.varExpression("appSettings");
        if (expr.isEmpty()) {
            problems.add(function + ": no `var appSettings = ...` (the checks read the app settings from it)");
            return Set.of();
        }
        boolean used = function.resources().stream()
                .filter(r -> r.type().equals("Microsoft.Web/sites"))
                .anyMatch(r -> r.body().contains("items(appSettings)"));
        if (!used) {
            problems.add(function + ": no Microsoft.Web/sites resource sets its app settings from appSettings");
        }
        return new LinkedHashSet<>(BicepFile.keysAnyDepth(expr.get()));
    }

    /** Settings named by {@code // pgvault-omitted: NAME (why)} lines: read by the app, deliberately not set. */
    static Set<String> omittedSettings(BicepFile function) {
        Set<String> omitted = new TreeSet<>();
        Matcher m = OMITTED_MARKER.matcher(function.raw);
        while (m.find()) {
            omitted.add(m.group(1));
        }
        return omitted;
    }

    /**
     * Every setting the mapping requires is set; every PGVAULT_* setting that is set is read by
     * the mapping; every other setting the mapping reads is either set or listed as omitted.
     */
    static List<String> checkAppSettings(Collection<String> keys, Map<String, Setting> mapping, Set<String> omitted) {
        List<String> problems = new ArrayList<>();
        for (Setting s : mapping.values()) {
            if (s.required() && !s.wildcard() && !keys.contains(s.envName())) {
                problems.add("app setting " + s.envName() + " is missing: the Java mapping requires "
                        + s.property() + " (no default, not Optional)");
            }
        }
        for (String key : keys) {
            if (key.startsWith(SETTING_PREFIX) && mapping.values().stream().noneMatch(s -> s.matches(key))) {
                problems.add("app setting " + key + " is set but no method of the Java config mapping reads it");
            }
        }
        for (String name : omitted) {
            if (mapping.values().stream().noneMatch(s -> s.matches(name))) {
                problems.add("`pgvault-omitted: " + name + "` names a setting the Java mapping does not read");
            }
            if (keys.contains(name)) {
                problems.add(name + " is both set and marked `pgvault-omitted`");
            }
        }
        for (Setting s : mapping.values()) {
            if (!s.wildcard() && !keys.contains(s.envName()) && !omitted.contains(s.envName()) && !s.required()) {
                problems.add("the Java mapping reads " + s.property() + " but the function app neither sets "
                        + s.envName() + " nor lists it as `// pgvault-omitted: " + s.envName()
                        + " (why)` in infra/app/function.bicep");
            }
        }
        return problems;
    }

    /** local.settings.sample.json: its PGVAULT_* keys are exactly the mapping's settings. */
    static List<String> checkLocalSettings(Collection<String> sampleKeys, Map<String, Setting> mapping) {
        List<String> problems = new ArrayList<>();
        for (String key : sampleKeys) {
            if (key.startsWith(SETTING_PREFIX) && mapping.values().stream().noneMatch(s -> s.matches(key))) {
                problems.add("local.settings.sample.json has " + key + ", which no method of the Java mapping reads");
            }
        }
        for (Setting s : mapping.values()) {
            if (!s.wildcard() && !sampleKeys.contains(s.envName())) {
                problems.add("local.settings.sample.json lacks " + s.envName() + " (" + s.property() + ")");
            }
        }
        return problems;
    }

    // ------------------------------------------------------------------------------------------
    // Vault rules
    // ------------------------------------------------------------------------------------------

    /** No lifecycle rule may move blobs to the archive tier, and no Archive tier anywhere (support matrix). */
    static List<String> checkNoArchive(BicepFile file) {
        List<String> problems = new ArrayList<>();
        for (Resource r : file.resources()) {
            if (r.type().equalsIgnoreCase(MANAGEMENT_POLICY_TYPE)
                    && r.body().toLowerCase(Locale.ROOT).contains("archive")) {
                problems.add(file + ":" + r.line() + ": lifecycle policy " + r.symbol()
                        + " mentions Archive; the support matrix does not support the archive tier");
            }
        }
        if (file.code.contains("tierToArchive")) {
            problems.add(file + ": uses tierToArchive; the support matrix does not support the archive tier");
        }
        for (String literal : file.stringLiterals()) {
            if (literal.equalsIgnoreCase("Archive")) {
                problems.add(file + ": string 'Archive' (access tier); the support matrix does not support it");
            }
        }
        return problems;
    }

    /**
     * Every role assignment is named with guid(...) and scoped to one resource declared in the
     * same file whose type is a storage account, key vault, registry or Application Insights.
     * No scope means the deployment's scope (resource group or subscription): too wide.
     */
    static List<String> checkRoleAssignments(BicepFile file) {
        List<String> problems = new ArrayList<>();
        List<Resource> resources = file.resources();
        for (Resource r : resources) {
            if (!r.type().equalsIgnoreCase(ROLE_ASSIGNMENT_TYPE)) {
                continue;
            }
            String where = file + ":" + r.line() + ": role assignment " + r.symbol();
            Map<String, String> entries = BicepFile.entries(r.body());
            String name = entries.getOrDefault("name", "");
            if (!name.startsWith("guid(")) {
                problems.add(where + " is not named with guid(...): " + (name.isEmpty() ? "(no name)" : name));
            }
            String scope = entries.get("scope");
            if (scope == null) {
                problems.add(where + " has no scope, so it applies to the whole "
                        + file.targetScope().orElse("resourceGroup") + "; scope it to a storage account / key vault");
                continue;
            }
            if (!scope.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                problems.add(where + " is scoped to `" + scope + "`; it must be the symbol of a storage account / key vault resource");
                continue;
            }
            Optional<Resource> target = resources.stream().filter(t -> t.symbol().equals(scope)).findFirst();
            if (target.isEmpty()) {
                problems.add(where + " is scoped to `" + scope + "`, which is not a resource declared in this file");
                continue;
            }
            String type = target.get().type();
            boolean allowed = ALLOWED_ROLE_SCOPE_TYPES.stream()
                    .anyMatch(t -> type.equalsIgnoreCase(t) || type.toLowerCase(Locale.ROOT).startsWith(t.toLowerCase(Locale.ROOT) + "/"));
            if (!allowed) {
                problems.add(where + " is scoped to " + scope + " of type " + type + "; allowed: " + ALLOWED_ROLE_SCOPE_TYPES);
            }
        }
        return problems;
    }

    /** Outputs are UPPER_SNAKE (azd turns them into environment variables). */
    static List<String> checkOutputs(BicepFile file) {
        return file.outputNames().stream()
                .filter(n -> !UPPER_SNAKE.matcher(n).matches())
                .map(n -> file + ": output " + n + " is not UPPER_SNAKE")
                .toList();
    }

    /** Every parameter carries a @description (the only documentation the portal and azd show). */
    static List<String> checkParamDescriptions(BicepFile file) {
        return file.params().stream()
                .filter(p -> !p.decorators().contains("description"))
                .map(p -> file + ":" + p.line() + ": param " + p.name() + " has no @description")
                .toList();
    }

    /** Nothing at the top level that the parser could not classify (so no rule is silently skipped). */
    static List<String> checkParsable(BicepFile file) {
        return file.unknownStatements().stream()
                .map(s -> file + ":" + s.line() + ": unrecognised top-level text: " + s.text())
                .toList();
    }

    // ------------------------------------------------------------------------------------------
    // Cross-file wiring (what `bicep build` would catch)
    // ------------------------------------------------------------------------------------------

    private static final Pattern OUTPUT_REF = Pattern.compile("\\b([A-Za-z_][A-Za-z0-9_]*)!?\\.outputs\\.([A-Za-z_][A-Za-z0-9_]*)");

    /**
     * For each module: the file exists; every passed param is declared there; every required
     * param of it is passed; every {@code module.outputs.X} used in the caller exists.
     * {@code files} maps a path relative to the caller's directory resolution to the parsed file.
     */
    static List<String> checkModules(BicepFile caller, Map<String, BicepFile> modulesByPath) {
        List<String> problems = new ArrayList<>();
        Map<String, BicepFile> bySymbol = new java.util.HashMap<>();
        for (Module m : caller.modules()) {
            String where = caller + ":" + m.line() + ": module " + m.symbol();
            BicepFile target = modulesByPath.get(m.path());
            if (target == null) {
                problems.add(where + " refers to " + m.path() + ", which does not exist");
                continue;
            }
            bySymbol.put(m.symbol(), target);
            Map<String, String> passed = BicepFile.objectEntry(m.body(), "params")
                    .map(BicepFile::entries).orElse(Map.of());
            Map<String, Param> declared = target.params().stream()
                    .collect(Collectors.toMap(Param::name, p -> p));
            for (String p : passed.keySet()) {
                if (!declared.containsKey(p)) {
                    problems.add(where + " passes param " + p + ", which " + m.path() + " does not declare");
                }
            }
            for (Param p : declared.values()) {
                if (!p.optional() && !passed.containsKey(p.name())) {
                    problems.add(where + " does not pass required param " + p.name() + " of " + m.path());
                }
            }
        }
        Matcher ref = OUTPUT_REF.matcher(caller.code);
        while (ref.find()) {
            BicepFile target = bySymbol.get(ref.group(1));
            if (target != null && !target.outputNames().contains(ref.group(2))) {
                problems.add(caller + ": " + ref.group() + " is not an output of " + target);
            }
        }
        return problems;
    }

    /** Every parameter in main.parameters.json is declared by main.bicep. */
    static List<String> checkParameterFile(BicepFile main, Collection<String> parameterNames) {
        Set<String> declared = main.params().stream().map(Param::name).collect(Collectors.toSet());
        return parameterNames.stream()
                .filter(n -> !declared.contains(n))
                .map(n -> "main.parameters.json sets " + n + ", which " + main + " does not declare")
                .toList();
    }

    // ------------------------------------------------------------------------------------------
    // Hosting plan and host.json
    // ------------------------------------------------------------------------------------------

    /** No Consumption (10-minute cap) or Flex Consumption plan anywhere. */
    static List<String> checkNoConsumptionPlan(BicepFile file) {
        List<String> problems = new ArrayList<>();
        for (String literal : file.stringLiterals()) {
            if (Set.of("Y1", "FC1", "Dynamic", "FlexConsumption").contains(literal)) {
                problems.add(file + ": '" + literal + "' is a Consumption / Flex Consumption plan value; "
                        + "multi-hour dumps need Elastic Premium or Dedicated");
            }
        }
        return problems;
    }

    private static final Pattern TIMESPAN = Pattern.compile("(?:(\\d+)\\.)?(\\d{1,2}):(\\d{2}):(\\d{2})");

    /** host.json functionTimeout: "-1" (unbounded) or a .NET TimeSpan such as "1.00:00:00". */
    static Optional<Duration> parseFunctionTimeout(String value) {
        if ("-1".equals(value)) {
            return Optional.of(Duration.ofSeconds(Long.MAX_VALUE));
        }
        Matcher m = TIMESPAN.matcher(value);
        if (!m.matches()) {
            return Optional.empty();
        }
        long days = m.group(1) == null ? 0 : Long.parseLong(m.group(1));
        return Optional.of(Duration.ofDays(days)
                .plusHours(Long.parseLong(m.group(2)))
                .plusMinutes(Long.parseLong(m.group(3)))
                .plusSeconds(Long.parseLong(m.group(4))));
    }

    /** The host must not stop the function before the app's own per-dump timeout does. */
    static List<String> checkFunctionTimeout(String functionTimeout, Duration backupTimeout) {
        Optional<Duration> t = parseFunctionTimeout(functionTimeout == null ? "" : functionTimeout);
        if (t.isEmpty()) {
            return List.of("host.json functionTimeout `" + functionTimeout + "` is neither -1 nor d.hh:mm:ss");
        }
        if (t.get().compareTo(backupTimeout) <= 0) {
            return List.of("host.json functionTimeout " + functionTimeout + " is not longer than the backup timeout "
                    + backupTimeout + "; the host would kill a dump that pgvault still allows");
        }
        return List.of();
    }

    // ------------------------------------------------------------------------------------------
    // Dockerfile
    // ------------------------------------------------------------------------------------------

    private static final Pattern COPY = Pattern.compile("(?im)^\\s*COPY\\s+(?!--from)(?:--\\S+\\s+)*(\\S+)\\s+(\\S+)\\s*$");
    private static final Pattern FROM = Pattern.compile("(?im)^\\s*FROM\\s+(\\S+)");
    private static final Pattern PG_MAJOR_ARG = Pattern.compile("(?im)^\\s*ARG\\s+PG_MAJOR=(\\d+)\\s*$");
    private static final Pattern PG_CLIENT = Pattern.compile("postgresql-client-(\\$\\{PG_MAJOR}|\\$PG_MAJOR|\\d+)");

    /** Java 21 image: Debian 12 (bookworm); the Java 17 one is on Debian 11, whose LTS has ended. */
    static final String FUNCTIONS_BASE_IMAGE = "mcr.microsoft.com/azure-functions/java:4-java21";
    static final int MIN_PG_MAJOR = 17;

    /** The function app's files come from the folder mvn package writes, into /home/site/wwwroot. */
    static List<String> checkDockerfile(String dockerfile, String functionAppName) {
        List<String> problems = new ArrayList<>();
        String expected = "target/azure-functions/" + functionAppName;
        List<String> sources = new ArrayList<>();
        Matcher copy = COPY.matcher(dockerfile);
        while (copy.find()) {
            String dest = copy.group(2).replaceAll("/+$", "");
            if (dest.equals("/home/site/wwwroot")) {
                sources.add(copy.group(1).replaceFirst("^\\./", "").replaceAll("/+$", ""));
            }
        }
        if (sources.isEmpty()) {
            problems.add("Dockerfile has no COPY into /home/site/wwwroot");
        }
        for (String src : sources) {
            if (!src.equals(expected)) {
                problems.add("Dockerfile copies " + src + " into /home/site/wwwroot, but mvn package writes " + expected
                        + " (<functionAppName> in pom.xml)");
            }
        }
        Matcher from = FROM.matcher(dockerfile);
        List<String> bases = new ArrayList<>();
        while (from.find()) {
            bases.add(from.group(1));
        }
        if (bases.isEmpty() || !bases.get(bases.size() - 1).equals(FUNCTIONS_BASE_IMAGE)) {
            problems.add("Dockerfile's final image is " + bases + ", expected " + FUNCTIONS_BASE_IMAGE);
        }
        Matcher client = PG_CLIENT.matcher(dockerfile);
        if (!client.find()) {
            problems.add("Dockerfile installs no postgresql-client-<major> (pg_dump / pg_dumpall)");
        } else {
            int major;
            if (client.group(1).startsWith("$")) {
                Matcher arg = PG_MAJOR_ARG.matcher(dockerfile);
                major = arg.find() ? Integer.parseInt(arg.group(1)) : -1;
            } else {
                major = Integer.parseInt(client.group(1));
            }
            if (major < MIN_PG_MAJOR) {
                problems.add("Dockerfile installs PostgreSQL client major " + major + "; pg_dump must be at least "
                        + "the newest major Flexible Server offers (>= " + MIN_PG_MAJOR + ")");
            }
        }
        return problems;
    }

    /**
     * .dockerignore keeps the COPY source in the build context and keeps the developer's
     * local.settings.json (which the Quarkus build copies next to the app) out of the image.
     */
    private static final Pattern WORKER_ARGUMENTS = Pattern.compile("languageWorkers__java__arguments:\\s*'([^']*)'");
    private static final Pattern SHARED_ARCHIVE = Pattern.compile("-XX:SharedArchiveFile=(\\S+)");
    private static final Pattern ARCHIVE_AT_EXIT = Pattern.compile("-XX:ArchiveClassesAtExit=(\\S+)");
    private static final Pattern MEMORY_OPTIONS = Pattern.compile("-Xms\\S+ -Xmx\\S+ -XX:MaxMetaspaceSize=\\S+"
            + " -XX:ReservedCodeCacheSize=\\S+ -Xss\\S+");

    /**
     * The worker's class-data-sharing archive (docs/performance.md): function.bicep's languageWorkers__java__arguments
     * names the archive the Dockerfile's training run writes, with -Xshare:auto (a rejected archive costs no start),
     * and the worker, the image's training run and bin/pgvault share one set of memory options.
     */
    static List<String> checkWorkerArchive(String functionBicep, String dockerfile, String binPgvault) {
        List<String> problems = new ArrayList<>();
        Matcher args = WORKER_ARGUMENTS.matcher(functionBicep);
        if (!args.find()) {
            return List.of("function.bicep has no languageWorkers__java__arguments string");
        }
        String arguments = args.group(1);
        Matcher used = SHARED_ARCHIVE.matcher(arguments);
        Matcher written = ARCHIVE_AT_EXIT.matcher(dockerfile);
        if (!used.find()) {
            problems.add("languageWorkers__java__arguments names no -XX:SharedArchiveFile: " + arguments);
        } else if (!written.find()) {
            problems.add("the Dockerfile writes no archive (-XX:ArchiveClassesAtExit) for " + used.group(1));
        } else if (!used.group(1).equals(written.group(1))) {
            problems.add("the worker uses " + used.group(1) + " but the Dockerfile writes " + written.group(1));
        }
        if (!arguments.contains("-Xshare:auto")) {
            problems.add("languageWorkers__java__arguments lacks -Xshare:auto (a rejected archive would stop the JVM)");
        }
        Matcher memory = MEMORY_OPTIONS.matcher(arguments);
        if (!memory.find()) {
            problems.add("languageWorkers__java__arguments has no memory options: " + arguments);
        } else {
            String options = memory.group();
            if (!dockerfile.replaceAll("\\s*\\\\\n\\s*", " ").contains(options)) {
                problems.add("the Dockerfile's training run lacks the worker's memory options " + options);
            }
            if (!binPgvault.contains("MEMORY_OPTS=(" + options + ")")) {
                problems.add("bin/pgvault's MEMORY_OPTS differ from the worker's " + options);
            }
        }
        return problems;
    }

    static List<String> checkDockerignore(String dockerignore, String functionAppName) {
        List<String> problems = new ArrayList<>();
        String dir = "target/azure-functions/" + functionAppName;
        if (DockerIgnore.excluded(dockerignore, dir + "/host.json")) {
            problems.add(".dockerignore excludes " + dir + "/, which the Dockerfile copies");
        }
        for (String cds : List.of("src/main/cds/WorkerTraining.java", "src/main/cds/classes.txt")) {
            if (DockerIgnore.excluded(dockerignore, cds)) {
                problems.add(".dockerignore excludes " + cds + ", which the Dockerfile's class-data-sharing step copies");
            }
        }
        if (!DockerIgnore.excluded(dockerignore, dir + "/local.settings.json")) {
            problems.add(".dockerignore lets " + dir + "/local.settings.json (local secrets) into the image");
        }
        return problems;
    }

    /** Just enough of Docker's .dockerignore matching: ordered patterns, {@code !} re-includes, last match wins. */
    static final class DockerIgnore {
        private DockerIgnore() {
        }

        static boolean excluded(String dockerignore, String path) {
            boolean excluded = false;
            for (String line : dockerignore.split("\n")) {
                String p = line.strip();
                if (p.isEmpty() || p.startsWith("#")) {
                    continue;
                }
                boolean negate = p.startsWith("!");
                if (negate) {
                    p = p.substring(1).strip();
                }
                p = p.replaceFirst("^/+", "").replaceAll("/+$", "");
                if (matchesSelfOrParent(p, path)) {
                    excluded = !negate;
                }
            }
            return excluded;
        }

        private static boolean matchesSelfOrParent(String pattern, String path) {
            Pattern regex = Pattern.compile(globToRegex(pattern));
            String candidate = path;
            while (true) {
                if (regex.matcher(candidate).matches()) {
                    return true;
                }
                int slash = candidate.lastIndexOf('/');
                if (slash < 0) {
                    return false;
                }
                candidate = candidate.substring(0, slash);
            }
        }

        private static String globToRegex(String glob) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < glob.length(); i++) {
                char c = glob.charAt(i);
                if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                    sb.append(".*");
                    i++;
                } else if (c == '*') {
                    sb.append("[^/]*");
                } else if (c == '?') {
                    sb.append("[^/]");
                } else {
                    sb.append(Pattern.quote(String.valueOf(c)));
                }
            }
            return sb.toString();
        }
    }

    // ------------------------------------------------------------------------------------------
    // Build output folder
    // ------------------------------------------------------------------------------------------

    /**
     * The folder the Quarkus Azure Functions extension writes is target/azure-functions/ plus
     * {@code quarkus.azure-functions.app-name} (application.properties, or a pom property, which
     * Quarkus also reads), or else the build's base name {@code <artifactId>-<version>}.
     */
    static String effectiveAppName(Map<String, String> pomProperties, Map<String, String> applicationProperties,
            String artifactId, String version, String finalName) {
        String key = "quarkus.azure-functions.app-name";
        String value = applicationProperties.containsKey(key) ? applicationProperties.get(key) : pomProperties.get(key);
        if (value == null) {
            value = finalName != null ? finalName : artifactId + "-" + version;
        }
        return resolve(value, pomProperties, artifactId, version);
    }

    private static String resolve(String value, Map<String, String> props, String artifactId, String version) {
        String v = value;
        for (int i = 0; i < 10 && v.contains("${"); i++) {
            Matcher m = Pattern.compile("\\$\\{([^}]+)}").matcher(v);
            StringBuilder sb = new StringBuilder();
            while (m.find()) {
                String k = m.group(1);
                String r = switch (k) {
                    case "project.artifactId" -> artifactId;
                    case "project.version" -> version;
                    default -> props.getOrDefault(k, m.group());
                };
                m.appendReplacement(sb, Matcher.quoteReplacement(r));
            }
            m.appendTail(sb);
            v = sb.toString();
        }
        return v;
    }

    static List<String> checkBuildOutput(String functionAppName, String effectiveAppName) {
        if (functionAppName == null || functionAppName.isBlank()) {
            return List.of("pom.xml has no <functionAppName> property");
        }
        if (!functionAppName.equals(effectiveAppName)) {
            return List.of("mvn package writes target/azure-functions/" + effectiveAppName + "/, not target/azure-functions/"
                    + functionAppName + "/ (<functionAppName> in pom.xml): nothing passes functionAppName to the Quarkus "
                    + "Azure Functions extension. Add <quarkus.azure-functions.app-name>${functionAppName}"
                    + "</quarkus.azure-functions.app-name> to the pom.xml <properties> (or "
                    + "quarkus.azure-functions.app-name=" + functionAppName + " to application.properties)");
        }
        return List.of();
    }
}
