package io.pgvault.fleet;

import io.quarkus.funqy.Funq;
import jakarta.inject.Inject;

import java.util.List;

/** HTTP functions of the fleet: configure protection, stop it, and the fleet view. */
public class FleetFunctions {

    @Inject
    FleetService fleet;

    @Inject
    FleetView view;

    /** POST /api/protect {server, host, port, user, auth, passwordRef, policy, force, etag…} — preflight, then save. */
    @Funq("protect")
    public ProtectAnswer protect(ProtectRequest request) {
        return fleet.protect(request);
    }

    /** GET /api/servers — every server with its state, policy, last backup, last job, next slot, week status. */
    @Funq("servers")
    public List<ServerView> servers() {
        return view.servers();
    }

    /** POST /api/unprotect {server, keepBackups, confirmDelete} — stop protection; keep or delete the backups. */
    @Funq("unprotect")
    public UnprotectAnswer unprotect(UnprotectRequest request) {
        return fleet.unprotect(request);
    }
}
