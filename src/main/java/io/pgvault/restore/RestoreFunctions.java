package io.pgvault.restore;

import io.pgvault.http.HttpErrors;
import io.pgvault.http.Query;
import io.pgvault.jobs.JobRecord;
import io.quarkus.funqy.Funq;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import jakarta.inject.Inject;

/** HTTP functions of a restore: start one (202 + status URL) and poll it. */
public class RestoreFunctions {

    @Inject
    RestoreService restores;

    @Inject
    CurrentVertxRequest request;

    /** POST /api/restore — validates, then starts the server-side copy and answers 202 at once. */
    @Funq("restore")
    public RestoreAccepted restore(RestoreRequest body) {
        RestoreAccepted accepted = restores.start(body);
        HttpErrors.accepted(request);
        return accepted;
    }

    /** GET /api/restoreStatus?server=…&id=… — state, files done/total, bytes, error with HINT. */
    @Funq("restoreStatus")
    public JobRecord restoreStatus(Query query) {
        return query == null ? restores.status(null, null) : restores.status(query.getServer(), query.getId());
    }
}
