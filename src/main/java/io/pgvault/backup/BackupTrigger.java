package io.pgvault.backup;

/** What started a backup (logged with it): the weekly timer, the fleet's scheduler queue, an on-demand request, the CLI. */
public enum BackupTrigger {
    TIMER, QUEUE, ON_DEMAND, CLI
}
