package io.pgvault.infra;

import io.pgvault.infra.BicepFile.Module;
import io.pgvault.infra.BicepFile.Param;
import io.pgvault.infra.BicepFile.Resource;
import io.pgvault.infra.BicepFile.Statement;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Deploy-time rules: what a real provision would trip on (issue 16), as pure functions from parsed inputs to
 * problems, like {@link InfraChecks}; azure.yaml's rules are in {@link AzdChecks}, bicep build's and its linter's
 * in {@link BicepLintChecks}. Each is fed a bad snippet in {@link DeployChecksNegativeTest} and the real files
 * in {@link InfraDeployConsistencyTest}.
 */
final class DeployChecks {

    /** Set Blob Immutability Policy needs this data action; Storage Blob Data Contributor lacks it. */
    static final String IMMUTABILITY_DATA_ACTION =
            "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/immutableStorage/runAsSuperUser/action";
    static final String ROLE_DEFINITION_TYPE = "Microsoft.Authorization/roleDefinitions";
    /** Elastic Premium asks for a subnet with at least this many available addresses. */
    static final int PREMIUM_MIN_ADDRESSES = 100;
    /** Azure reserves five addresses in every subnet. */
    static final int AZURE_RESERVED = 5;

    private static final Pattern IDENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern FAIL_MESSAGE = Pattern.compile("fail\\('((?:[^'\\\\]|\\\\.)*)'\\)");

    private DeployChecks() {
    }

    // ---- item 2: every setting can be set through main.bicep ----------------------------------

    /** The module call of {@code modulePath} in {@code caller} passes every param {@code target} declares. */
    static List<String> checkModulePassesEveryParam(BicepFile caller, String modulePath, BicepFile target) {
        List<String> problems = new ArrayList<>();
        Optional<Module> call = caller.modules().stream().filter(m -> m.path().equals(modulePath)).findFirst();
        if (call.isEmpty()) {
            return List.of(caller + " does not call " + modulePath);
        }
        Map<String, String> passed = BicepFile.objectEntry(call.get().body(), "params").map(BicepFile::entries)
                .orElse(Map.of());
        for (Param p : target.params()) {
            if (!passed.containsKey(p.name())) {
                problems.add(caller + ":" + call.get().line() + ": module " + call.get().symbol() + " does not pass "
                        + p.name() + " of " + modulePath + ", so it can only ever have its default; add a param to "
                        + caller + " (and main.parameters.json for azd) and pass it");
            }
        }
        return problems;
    }

    /**
     * With per-backup immutability (PGVAULT_VAULT_IMMUTABILITY_DAYS set), some rbac file defines a
     * conditional custom role holding the Set Blob Immutability Policy data action and assigns it
     * conditionally; without the setting nothing is required.
     */
    static List<String> checkImmutabilityGrant(Set<String> appSettingKeys, Collection<BicepFile> rbacFiles) {
        if (!appSettingKeys.contains("PGVAULT_VAULT_IMMUTABILITY_DAYS")) {
            return List.of();
        }
        for (BicepFile f : rbacFiles) {
            for (Resource role : f.resources()) {
                if (role.type().equalsIgnoreCase(ROLE_DEFINITION_TYPE) && mentionsDataAction(f, role)) {
                    return checkRoleAndAssignment(f, role);
                }
            }
        }
        return List.of("the app sets PGVAULT_VAULT_IMMUTABILITY_DAYS but no role definition in infra/app/rbac*.bicep "
                + "grants " + IMMUTABILITY_DATA_ACTION + " (Storage Blob Data Contributor lacks it: Set Blob "
                + "Immutability Policy would get 403)");
    }

    private static boolean mentionsDataAction(BicepFile f, Resource role) {
        String dataActions = role.body();
        for (Statement v : f.statements("var")) {
            if (v.text().contains("'" + IMMUTABILITY_DATA_ACTION + "'")) {
                dataActions = dataActions.replaceAll("\\b" + v.name() + "\\b", IMMUTABILITY_DATA_ACTION);
            }
        }
        return dataActions.contains(IMMUTABILITY_DATA_ACTION);
    }

    private static List<String> checkRoleAndAssignment(BicepFile f, Resource role) {
        List<String> problems = new ArrayList<>();
        String where = f + ":" + role.line() + ": role definition " + role.symbol();
        if (!isConditional(f, role.symbol())) {
            problems.add(where + " is not conditional; define it only when pgvault sets immutability policies");
        }
        if (!BicepFile.entries(role.body()).getOrDefault("name", "").startsWith("guid(")) {
            problems.add(where + " is not named with guid(...) (role definition names are GUIDs)");
        }
        if (role.body().contains("subscription().id")) {
            problems.add(where + " is assignable at subscription scope; keep it to resourceGroup().id");
        }
        List<Resource> assignments = f.resources().stream()
                .filter(r -> r.type().equalsIgnoreCase(InfraChecks.ROLE_ASSIGNMENT_TYPE))
                .filter(r -> Pattern.compile("\\b" + role.symbol() + "!?\\.").matcher(r.body()).find())
                .toList();
        if (assignments.isEmpty()) {
            problems.add(where + " is never assigned to the app identity");
        }
        for (Resource a : assignments) {
            if (!isConditional(f, a.symbol())) {
                problems.add(f + ":" + a.line() + ": role assignment " + a.symbol() + " of " + role.symbol()
                        + " is not conditional; grant it only when pgvault sets immutability policies");
            }
        }
        return problems;
    }

    /** {@code resource X '...' = if (...)} or {@code module X '...' = if (...)}. */
    static boolean isConditional(BicepFile f, String symbol) {
        Pattern p = Pattern.compile("^(?:resource|module)\\s+" + symbol + "\\s+'[^']*'\\s+(?:existing\\s+)?=\\s*if\\s*\\(");
        return f.statements.stream().anyMatch(s -> symbol.equals(s.name()) && p.matcher(s.text()).find());
    }

    // ---- item 3: azd version and host: AzdChecks; items 1 and 7 (bicep build, linter): BicepLintChecks -----

    // ---- item 6: key vault resource groups are required, not defaulted ------------------------

    /**
     * Every module scoped to {@code resourceGroup(<expr>)} where {@code <expr>} uses a
     * {@code ...ResourceGroupName} param that defaults to '' must fail() with a message naming that
     * param instead of falling back to the group this deployment creates.
     */
    static List<String> checkResourceGroupGuards(BicepFile main) {
        List<String> problems = new ArrayList<>();
        for (Module m : main.modules()) {
            String scope = BicepFile.entries(m.body()).getOrDefault("scope", "");
            if (!scope.startsWith("resourceGroup(")) {
                continue;
            }
            String resolved = resolveVars(main, scope);
            for (Param p : main.params()) {
                if (p.name().endsWith("ResourceGroupName") && "''".equals(p.defaultValue())
                        && Pattern.compile("\\b" + p.name() + "\\b").matcher(resolved).find()
                        && !failsNaming(resolved, p.name())) {
                    problems.add(main + ":" + m.line() + ": module " + m.symbol() + " falls back when " + p.name()
                            + " is empty; fail('... " + p.name() + " ...') instead: the group this deployment "
                            + "creates cannot hold the existing key vault");
                }
            }
        }
        return problems;
    }

    private static boolean failsNaming(String expression, String paramName) {
        Matcher m = FAIL_MESSAGE.matcher(expression);
        while (m.find()) {
            if (m.group(1).contains(paramName)) {
                return true;
            }
        }
        return false;
    }

    /** The expression followed by the expressions of the vars it uses, transitively. */
    static String resolveVars(BicepFile file, String expression) {
        Set<String> seen = new LinkedHashSet<>();
        StringBuilder out = new StringBuilder(expression);
        List<String> pending = new ArrayList<>(List.of(expression));
        while (!pending.isEmpty()) {
            Matcher id = IDENT.matcher(pending.remove(0));
            while (id.find()) {
                String name = id.group();
                Optional<String> v = file.varExpression(name);
                if (v.isPresent() && seen.add(name)) {
                    out.append('\n').append(v.get());
                    pending.add(v.get());
                }
            }
        }
        return out.toString();
    }

    // ---- item 9: scale-out burst and subnet size -------------------------------------------

    /** Plan maximum burst and app scale limit come from a param, not a literal. */
    static List<String> checkScaleOut(BicepFile function) {
        List<String> problems = new ArrayList<>();
        Set<String> params = new LinkedHashSet<>(function.params().stream().map(Param::name).toList());
        for (Resource r : function.resources()) {
            if (r.type().equalsIgnoreCase("Microsoft.Web/serverfarms") && !r.existing()) {
                problems.addAll(fromParam(function, r, params, "maximumElasticWorkerCount", "properties"));
            }
            if (r.type().equalsIgnoreCase("Microsoft.Web/sites") && !r.existing()) {
                problems.addAll(fromParam(function, r, params, "functionAppScaleLimit", "properties", "siteConfig"));
            }
        }
        return problems;
    }

    private static List<String> fromParam(BicepFile f, Resource r, Set<String> params, String key, String... path) {
        String obj = r.body();
        for (String p : path) {
            obj = BicepFile.objectEntry(obj, p).orElse("{}");
        }
        String value = BicepFile.entries(obj).get(key);
        String where = f + ":" + r.line() + ": " + r.symbol() + " " + key;
        if (value == null) {
            return List.of(where + " is not set (the platform default may not match the subnet)");
        }
        Matcher id = IDENT.matcher(value.replaceAll("'[^']*'", ""));
        while (id.find()) {
            if (params.contains(id.group())) {
                return List.of();
            }
        }
        return List.of(where + " is `" + value + "`, not a param: the scale controller can never go past it");
    }

    /**
     * The integration subnet {@code prefix} (a.b.c.d/n) has at least 100 available addresses
     * (Elastic Premium) and, since scale operations briefly double the addresses in use, two per
     * instance of {@code maximumBurst}.
     */
    static List<String> checkSubnetSize(String prefix, int maximumBurst) {
        Matcher m = Pattern.compile("^\\d+\\.\\d+\\.\\d+\\.\\d+/(\\d+)$").matcher(prefix);
        if (!m.matches() || Integer.parseInt(m.group(1)) > 30) {
            return List.of("`" + prefix + "` is not an IPv4 subnet prefix");
        }
        long available = (1L << (32 - Integer.parseInt(m.group(1)))) - AZURE_RESERVED;
        List<String> problems = new ArrayList<>();
        if (available < PREMIUM_MIN_ADDRESSES) {
            problems.add("subnet " + prefix + " has " + available + " available addresses; Elastic Premium asks for at least "
                    + PREMIUM_MIN_ADDRESSES + " (/25 or larger)");
        }
        if (available < 2L * maximumBurst) {
            problems.add("subnet " + prefix + " has " + available + " available addresses; a burst of " + maximumBurst
                    + " instances needs " + 2L * maximumBurst + " while scaling");
        }
        return problems;
    }
}
