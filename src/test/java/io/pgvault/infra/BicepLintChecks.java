package io.pgvault.infra;

import io.pgvault.infra.BicepFile.Resource;
import io.pgvault.infra.BicepFile.Statement;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What `bicep build` and its linter report (issue 16, items 1 and 7), as pure functions from a parsed
 * {@link BicepFile} to problems, split from {@link DeployChecks}. Each is fed a bad snippet in
 * {@link DeployChecksNegativeTest} and the real files in {@link InfraDeployConsistencyTest}.
 */
final class BicepLintChecks {

    /** Default disallowed hosts of the Bicep linter rule no-hardcoded-env-urls. */
    static final List<String> ENV_HOSTS = List.of("gallery.azure.com", "management.core.windows.net",
            "management.azure.com", "database.windows.net", "core.windows.net", "login.microsoftonline.com",
            "graph.windows.net", "trafficmanager.net", "datalake.azure.net", "azuredatalakestore.net",
            "azuredatalakeanalytics.net", "vault.azure.net", "api.loganalytics.io", "asazure.windows.net",
            "region.asazure.windows.net", "batch.core.windows.net");
    /** Properties a resource type knows only from some API version on (type, property, first version). */
    static final List<List<String>> PROPERTY_SINCE = List.of(
            List.of("Microsoft.ContainerRegistry/registries", "anonymousPullEnabled", "2025-04-01"));

    private BicepLintChecks() {
    }

    /** No string literal (descriptions included) contains a cloud-specific host name. */
    static List<String> checkNoHardcodedEnvUrls(BicepFile file) {
        List<String> problems = new ArrayList<>();
        for (String literal : file.stringLiterals()) {
            for (String host : ENV_HOSTS) {
                if (containsHost(literal, host)) {
                    problems.add(file + ": '" + literal + "' hard-codes " + host + " (no-hardcoded-env-urls); use "
                            + "environment() or a placeholder");
                    break;
                }
            }
        }
        return problems;
    }

    /** Like the linter: the host not directly preceded or followed by a letter or digit. */
    static boolean containsHost(String text, String host) {
        String lower = text.toLowerCase(java.util.Locale.ROOT);
        for (int i = lower.indexOf(host); i >= 0; i = lower.indexOf(host, i + 1)) {
            int end = i + host.length();
            boolean before = i > 0 && Character.isLetterOrDigit(lower.charAt(i - 1));
            boolean after = end < lower.length() && Character.isLetterOrDigit(lower.charAt(end));
            if (!before && !after) {
                return true;
            }
        }
        return false;
    }

    /** Outputs or properties of a conditional module / resource are read with ! or .? (BCP318). */
    static List<String> checkConditionalAccess(BicepFile file) {
        List<String> problems = new ArrayList<>();
        for (Statement s : file.statements) {
            if ((s.keyword().equals("module") || s.keyword().equals("resource")) && DeployChecks.isConditional(file, s.name())) {
                Matcher m = Pattern.compile("\\b" + s.name() + "\\.(outputs|properties|identity)\\b").matcher(file.code);
                if (m.find()) {
                    problems.add(file + ": `" + m.group() + "` reads conditional " + s.name() + " without `!` or `.?` "
                            + "(BCP318: it may be null)");
                }
            }
        }
        return problems;
    }

    /** A property is only used with API versions that know it. */
    static List<String> checkPropertiesKnownByApiVersion(BicepFile file) {
        List<String> problems = new ArrayList<>();
        for (Resource r : file.resources()) {
            for (List<String> rule : PROPERTY_SINCE) {
                if (r.type().equalsIgnoreCase(rule.get(0)) && !r.existing()
                        && Pattern.compile("\\b" + rule.get(1) + "\\s*:").matcher(r.body()).find()
                        && r.apiVersion().substring(0, 10).compareTo(rule.get(2)) < 0) {
                    problems.add(file + ":" + r.line() + ": " + r.symbol() + " sets " + rule.get(1) + ", which "
                            + rule.get(0) + "@" + r.apiVersion() + " does not have (first stable: " + rule.get(2) + ")");
                }
            }
        }
        return problems;
    }
}
