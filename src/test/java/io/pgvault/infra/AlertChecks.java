package io.pgvault.infra;

import io.pgvault.infra.BicepFile.Param;
import io.pgvault.infra.BicepFile.Resource;
import io.pgvault.jobs.JobEvents;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rules for infra/app/alerts.bicep and the timers' schedule settings: every alert the issue asks for exists as a
 * scheduled-query rule over the events pgvault really logs ({@link JobEvents}' names), scoped to the workspace and
 * sending to the action group; the action group has email and webhook receivers from parameters (the webhook
 * secure); every {@code %NAME%} a timer trigger reads is an app setting and in local.settings.sample.json.
 * {@link AlertChecksNegativeTest} shows each rule failing.
 */
final class AlertChecks {

    static final String RULE_TYPE = "Microsoft.Insights/scheduledQueryRules";
    static final String ACTION_GROUP_TYPE = "Microsoft.Insights/actionGroups";

    /** Each required alert: what its query must contain (event name as logged, kinds, states, operator). */
    static final Map<String, List<String>> REQUIRED = new LinkedHashMap<>();

    static {
        REQUIRED.put("backup failed or refused", List.of("\"" + JobEvents.JOB + " \"", "\"backup\"", "\"Failed\"",
                "\"Refused\"", "'GreaterThan'"));
        REQUIRED.put("restore or verify failed", List.of("\"" + JobEvents.JOB + " \"", "\"restore\"", "\"verify\"",
                "\"Failed\"", "'GreaterThan'"));
        REQUIRED.put("server overdue", List.of("\"" + JobEvents.OVERDUE + " \"", "'GreaterThan'"));
        REQUIRED.put("no watch run", List.of("\"" + JobEvents.WATCH + " \"", "'LessThan'"));
    }

    private static final Pattern TIMER = Pattern.compile("@TimerTrigger\\([^)]*schedule\\s*=\\s*\"%([A-Za-z0-9_]+)%\"");

    private AlertChecks() {
    }

    /** The problems of an alerts module: missing rules, rules that send nowhere or watch no workspace. */
    static List<String> checkAlerts(BicepFile alerts) {
        List<String> problems = new ArrayList<>();
        List<Resource> groups = alerts.resources().stream().filter(r -> r.type().equalsIgnoreCase(ACTION_GROUP_TYPE)).toList();
        if (groups.size() != 1) {
            problems.add(alerts + ": expected one action group, found " + groups.size());
            return problems;
        }
        problems.addAll(checkActionGroup(alerts, groups.get(0)));
        List<Resource> rules = alerts.resources().stream().filter(r -> r.type().equalsIgnoreCase(RULE_TYPE)).toList();
        for (Map.Entry<String, List<String>> want : REQUIRED.entrySet()) {
            if (rules.stream().noneMatch(r -> want.getValue().stream().allMatch(r.body()::contains))) {
                problems.add(alerts + ": no alert rule for \"" + want.getKey() + "\" (a scheduled query containing "
                        + want.getValue() + ")");
            }
        }
        for (Resource r : rules) {
            String group = groups.get(0).symbol() + ".id";
            if (!Pattern.compile("actionGroups\\s*:\\s*\\[\\s*" + Pattern.quote(group)).matcher(r.body()).find()) {
                problems.add(alerts + ":" + r.line() + ": rule " + r.symbol() + " does not send to " + group);
            }
            if (!Pattern.compile("scopes\\s*:\\s*\\[\\s*workspaceId\\s*]").matcher(r.body()).find()) {
                problems.add(alerts + ":" + r.line() + ": rule " + r.symbol() + " is not scoped to the workspace (workspaceId)");
            }
            if (!r.body().contains("enabled: true")) {
                problems.add(alerts + ":" + r.line() + ": rule " + r.symbol() + " is not enabled");
            }
        }
        return problems;
    }

    private static List<String> checkActionGroup(BicepFile alerts, Resource group) {
        List<String> problems = new ArrayList<>();
        if (!Pattern.compile("emailAddress\\s*:\\s*alertEmail\\b").matcher(group.body()).find()) {
            problems.add(alerts + ": the action group has no email receiver from param alertEmail");
        }
        if (!Pattern.compile("serviceUri\\s*:\\s*alertWebhookUrl\\b").matcher(group.body()).find()) {
            problems.add(alerts + ": the action group has no webhook receiver from param alertWebhookUrl");
        }
        Param hook = alerts.params().stream().filter(p -> p.name().equals("alertWebhookUrl")).findFirst().orElse(null);
        if (hook == null || !hook.decorators().contains("secure")) {
            problems.add(alerts + ": param alertWebhookUrl must be @secure() (a webhook URL may carry a token)");
        }
        return problems;
    }

    /** The {@code %NAME%} settings the timer triggers in {@code javaSource} read. */
    static List<String> timerSettings(String javaSource) {
        List<String> out = new ArrayList<>();
        Matcher m = TIMER.matcher(javaSource);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** Each timer setting must be an app setting and in local.settings.sample.json. */
    static List<String> checkTimerSettings(Collection<String> timerSettings, Collection<String> appSettings,
            Collection<String> sampleKeys) {
        List<String> problems = new ArrayList<>();
        for (String s : timerSettings) {
            if (!appSettings.contains(s)) {
                problems.add("timer schedule %" + s + "% is not an app setting in infra/app/function.bicep");
            }
            if (!sampleKeys.contains(s)) {
                problems.add("timer schedule %" + s + "% is missing from local.settings.sample.json");
            }
        }
        return problems;
    }
}
