package io.pgvault.fanout;

import io.pgvault.http.HttpErrors;
import io.quarkus.funqy.Funq;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import jakarta.inject.Inject;

/** {@code POST /api/backupNow {server}}: queues an on-demand backup, 202 with the job id to poll ({@link BackupNowService}). */
public class BackupNowFunction {

    @Inject
    BackupNowService backupNow;

    @Inject
    CurrentVertxRequest request;

    /** The request body. */
    public static class Request {
        private String server;

        public String getServer() {
            return server;
        }

        public void setServer(String server) {
            this.server = server;
        }
    }

    @Funq("backupNow")
    public BackupNowService.Accepted backupNow(Request body) {
        BackupNowService.Accepted accepted = backupNow.request(body == null ? null : body.getServer());
        HttpErrors.accepted(request);
        return accepted;
    }
}
