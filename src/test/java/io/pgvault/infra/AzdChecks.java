package io.pgvault.infra;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Deploy-time rules on azure.yaml (issue 16, item 2): what azd would trip on, as pure functions from the file's
 * text to problems, split from {@link DeployChecks}. Each is fed a bad snippet in {@link DeployChecksNegativeTest}
 * and the real file in {@link InfraDeployConsistencyTest}.
 */
final class AzdChecks {

    /** azd added container deployment for {@code host: function} in 1.30.0 (azure-dev CHANGELOG, #9284). */
    static final String MIN_AZD_VERSION = "1.30.0";

    private AzdChecks() {
    }

    /** azure.yaml requires azd >= 1.30.0 and deploys the function app's service as {@code host: function}. */
    static List<String> checkAzureYaml(String yaml, String serviceName) {
        List<String> problems = new ArrayList<>();
        Optional<String> azd = SmallYaml.value(yaml, "requiredVersions", "azd");
        if (azd.isEmpty()) {
            problems.add("azure.yaml has no requiredVersions.azd; container deployment for host: function needs azd >= "
                    + MIN_AZD_VERSION);
        } else {
            Optional<String> lower = lowerBound(azd.get());
            if (lower.isEmpty() || compareVersions(lower.get(), MIN_AZD_VERSION) < 0) {
                problems.add("azure.yaml requiredVersions.azd `" + azd.get() + "` allows azd below " + MIN_AZD_VERSION
                        + ", which cannot deploy a container to host: function");
            }
        }
        String host = SmallYaml.value(yaml, "services", serviceName, "host").orElse("(none)");
        if (!host.equals("function")) {
            problems.add("azure.yaml service " + serviceName + " has host: " + host + "; the site is a function app "
                    + "(host: function, with language: docker for its container)");
        }
        if (!SmallYaml.value(yaml, "services", serviceName, "language").orElse("").equals("docker")) {
            problems.add("azure.yaml service " + serviceName + " is not language: docker (container deployment)");
        }
        return problems;
    }

    /** The highest {@code >=} / {@code >} bound of a semver constraint such as {@code >= 1.30.0 != 1.31.1}. */
    static Optional<String> lowerBound(String constraint) {
        Matcher m = Pattern.compile(">=?\\s*v?(\\d+(?:\\.\\d+){0,2})").matcher(constraint);
        String best = null;
        while (m.find()) {
            if (best == null || compareVersions(m.group(1), best) > 0) {
                best = m.group(1);
            }
        }
        return Optional.ofNullable(best);
    }

    static int compareVersions(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < 3; i++) {
            int d = Integer.compare(i < x.length ? Integer.parseInt(x[i]) : 0, i < y.length ? Integer.parseInt(y[i]) : 0);
            if (d != 0) {
                return d;
            }
        }
        return 0;
    }

    /** Just enough YAML: the scalar at a path of block-mapping keys, each a direct child of the previous one. */
    static final class SmallYaml {
        private SmallYaml() {
        }

        static Optional<String> value(String yaml, String... path) {
            String[] lines = yaml.replace("\r\n", "\n").split("\n");
            int depth = 0;
            int parentIndent = -1;
            int childIndent = 0;
            for (String line : lines) {
                String content = line.replaceFirst("\\s+#.*$", "");
                if (content.isBlank() || content.stripLeading().startsWith("#")) {
                    continue;
                }
                int indent = content.length() - content.stripLeading().length();
                if (depth > 0 && indent <= parentIndent) {
                    return Optional.empty();
                }
                if (childIndent < 0) {
                    childIndent = indent;
                }
                if (indent != childIndent) {
                    continue;
                }
                Matcher kv = Pattern.compile("^([A-Za-z0-9_.-]+):\\s*(.*)$").matcher(content.strip());
                if (!kv.matches() || !kv.group(1).equals(path[depth])) {
                    continue;
                }
                if (depth == path.length - 1) {
                    return Optional.of(kv.group(2).strip().replaceAll("^(['\"])(.*)\\1$", "$2"));
                }
                depth++;
                parentIndent = indent;
                childIndent = -1;
            }
            return Optional.empty();
        }
    }
}
