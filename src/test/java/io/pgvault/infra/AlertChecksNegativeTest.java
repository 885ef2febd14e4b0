package io.pgvault.infra;

import io.pgvault.config.PgvaultConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each rule of {@link AlertChecks} (and the app-settings rule for the watch's new setting) fed the real
 * infra/app/alerts.bicep with one thing broken, to show it fails naming what is missing; the real file passes.
 */
class AlertChecksNegativeTest {

    static String real;

    @BeforeAll
    static void load() throws Exception {
        real = Files.readString(InfraConsistencyTest.projectRoot().resolve("infra/app/alerts.bicep"));
    }

    private static List<String> problems(String text) {
        return AlertChecks.checkAlerts(BicepFile.parse("alerts-snippet.bicep", text));
    }

    private static void assertFails(List<String> problems, String fragment) {
        assertFalse(problems.isEmpty(), "expected a problem mentioning `" + fragment + "`");
        assertTrue(problems.stream().anyMatch(p -> p.contains(fragment)), "no problem mentions `" + fragment + "`: " + problems);
    }

    @Test
    void theRealModulePasses() {
        assertEquals(List.of(), problems(real));
    }

    @Test
    void aMissingOverdueRuleIsFound() {
        assertFails(problems(real.replace("\"pgvault.overdue \"", "\"pgvault.something \"")), "server overdue");
    }

    @Test
    void aFailedBackupRuleThatForgetsRefusedIsFound() {
        assertFails(problems(real.replace("tostring(e.state) in (\"Failed\", \"Refused\", \"Interrupted\")",
                "tostring(e.state) == \"Failed\"")), "backup failed or refused");
    }

    @Test
    void aRestoreRuleWithoutVerifyIsFound() {
        assertFails(problems(real.replace("in (\"restore\", \"verify\")", "== \"restore\"")), "restore or verify failed");
    }

    @Test
    void aWatchRuleThatFiresOnRunsInsteadOfTheirAbsenceIsFound() {
        int at = real.indexOf("\"pgvault.watch \"");
        String broken = real.substring(0, at) + real.substring(at).replaceFirst("'LessThan'", "'GreaterThan'");
        assertFails(problems(broken), "no watch run");
    }

    @Test
    void aRuleThatSendsNowhereOrWatchesNoWorkspaceIsFound() {
        int at = real.indexOf("resource serverOverdue");
        String noGroup = real.substring(0, at) + real.substring(at).replaceFirst("actionGroup\\.id", "'none'");
        assertFails(problems(noGroup), "serverOverdue does not send to actionGroup.id");
        String noScope = real.substring(0, at) + real.substring(at).replaceFirst("workspaceId\\n", "'/subscriptions/x'\n");
        assertFails(problems(noScope), "serverOverdue is not scoped");
    }

    @Test
    void anActionGroupWithoutWebhookOrAnInsecureWebhookParamIsFound() {
        assertFails(problems(real.replace("serviceUri: alertWebhookUrl", "serviceUri: 'https://example.invalid'")),
                "webhook receiver");
        assertFails(problems(real.replace("@secure()\nparam alertWebhookUrl", "param alertWebhookUrl")), "@secure()");
        assertFails(problems(real.replace("emailAddress: alertEmail", "emailAddress: 'a@example.invalid'")), "email receiver");
    }

    @Test
    void aTimerScheduleThatIsNoAppSettingIsFound() {
        List<String> timers = AlertChecks.timerSettings(
                "@TimerTrigger(name = \"timer\", schedule = \"%WATCH_SCHEDULE%\") String t");
        assertEquals(List.of("WATCH_SCHEDULE"), timers);
        assertFails(AlertChecks.checkTimerSettings(timers, Set.of("BACKUP_SCHEDULE"), Set.of("WATCH_SCHEDULE")),
                "is not an app setting");
        assertFails(AlertChecks.checkTimerSettings(timers, Set.of("WATCH_SCHEDULE"), Set.of()), "local.settings.sample.json");
        assertEquals(List.of(), AlertChecks.checkTimerSettings(timers, Set.of("WATCH_SCHEDULE"), Set.of("WATCH_SCHEDULE")));
    }

    @Test
    void theOverdueDaysSettingMissingFromTheAppIsFound() {
        var mapping = ConfigSettings.of(PgvaultConfig.class);
        assertTrue(mapping.containsKey("PGVAULT_WATCH_OVERDUE_DAYS"), "the setting is derived: " + mapping.keySet());
        Set<String> withoutIt = new java.util.TreeSet<>(mapping.keySet());
        withoutIt.remove("PGVAULT_WATCH_OVERDUE_DAYS");
        assertFails(InfraChecks.checkAppSettings(withoutIt, mapping, Set.of()), "PGVAULT_WATCH_OVERDUE_DAYS");
        assertFails(InfraChecks.checkLocalSettings(withoutIt, mapping), "PGVAULT_WATCH_OVERDUE_DAYS");
    }
}
