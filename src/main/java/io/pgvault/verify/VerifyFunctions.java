package io.pgvault.verify;

import io.pgvault.http.HttpErrors;
import io.pgvault.http.Query;
import io.pgvault.jobs.JobRecord;
import io.quarkus.funqy.Funq;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import jakarta.inject.Inject;

/** HTTP functions of verify: start one (202 + job ids) and poll a job. */
public class VerifyFunctions {

    @Inject
    VerifyService verifies;

    @Inject
    CurrentVertxRequest request;

    /** POST /api/verify {server, backupId: ID|"latest"|"all", testRestore} — answers 202 at once. */
    @Funq("verify")
    public VerifyAccepted verify(VerifyRequest body) {
        VerifyAccepted accepted = verifies.start(body);
        HttpErrors.accepted(request);
        return accepted;
    }

    /** GET /api/verifyStatus?server=…&id=… — state, files checked, per-file results, error with HINT. */
    @Funq("verifyStatus")
    public JobRecord verifyStatus(Query query) {
        return verifies.status(query == null ? null : query.getServer(), query == null ? null : query.getId());
    }
}
