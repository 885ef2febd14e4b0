package io.pgvault.cli;

import io.pgvault.fleet.FleetView;
import io.pgvault.fleet.ServerView;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code pgvault servers}: the fleet as a table, failures first; {@code add} and {@code remove} change it. */
@Dependent
@Unremovable
@Command(name = "servers", description = "List the protected servers (the fleet view), failures first.",
        subcommands = {ServersAddCommand.class, ServersRemoveCommand.class},
        footer = {"%nExample:", "  bin/pgvault servers --json"})
public class ServersCommand implements Callable<Integer> {

    @Inject
    FleetView view;

    @Spec
    CommandSpec spec;

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() {
        var servers = view.servers();
        output.print(servers, out -> printTable(out, servers));
        return 0;
    }

    private static void printTable(PrintWriter out, java.util.List<ServerView> servers) {
        String format = "%-10s %-24s %-10s %-8s %-18s %-11s %-22s %s%n";
        out.printf(format, "WEEK", "SERVER", "STATE", "SLOT", "LAST BACKUP", "LAST JOB", "NEXT DUE", "PROBLEM");
        for (ServerView s : servers) {
            String slot = s.policy().dayOfWeek().name().substring(0, 3) + " " + String.format("%02d", s.policy().hourUtc());
            String problem = s.overdue() != null ? overdue(s.overdue()) : s.lastJob() != null && s.lastJob().error() != null ? firstLine(s.lastJob().error())
                    : "refused".equals(s.weekStatus()) && s.preflight() != null && !s.preflight().problems().isEmpty()
                            ? firstLine(s.preflight().problems().get(0)) : "";
            out.printf(format, s.weekStatus(), s.name() + (s.readOnly() ? " *" : ""),
                    s.overdue() != null ? s.overdue().state() : s.state().spelling(), slot,
                    s.lastBackup() == null ? "-" : s.lastBackup().backupId(),
                    s.lastJob() == null ? "-" : s.lastJob().state().toString(),
                    s.nextDue() == null ? "-" : s.nextDue().toString(), problem);
        }
        out.println("* the settings server (PGVAULT_SERVER_NAME), read-only here");
    }

    private static String overdue(io.pgvault.jobs.ServerStatus.Overdue o) {
        return "no committed backup " + (o.lastBackupId() == null ? "at all" : "since " + o.lastBackupId())
                + " (allowed age " + o.maxAgeDays() + " days)";
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
