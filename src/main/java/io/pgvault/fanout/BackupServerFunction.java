package io.pgvault.fanout;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.BindingName;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.QueueTrigger;
import io.pgvault.errors.PgvaultException;
import io.pgvault.vault.queue.BackupQueue;
import jakarta.inject.Inject;

/**
 * One server's backup per message of {@code pgvault-backups} ({@link BackupWorker}). host.json bounds how many run
 * at once per instance (queues.batchSize, newBatchThreshold) and how often a message is tried (maxDequeueCount);
 * a failed attempt fails the invocation so the host retries it, and after the last one moves it to
 * {@code pgvault-backups-poison}.
 */
public class BackupServerFunction {

    @Inject
    BackupWorker worker;

    @Inject
    BackupQueue queue;

    @FunctionName("backupServer")
    public void run(@QueueTrigger(name = "message", queueName = BackupQueue.NAME, connection = "AzureWebJobsStorage")
            String message, @BindingName("DequeueCount") Long dequeueCount, ExecutionContext context) {
        // Boxed: Quarkus' function scan loads each parameter type by name, which a primitive has none of.
        long attempt = dequeueCount == null ? 1 : dequeueCount;
        try {
            BackupWorker.Outcome o = worker.handle(queue.parse(message), attempt);
            context.getLogger().info("pgvault: " + o.server() + " " + o.result() + (o.backupId() == null ? ""
                    : " backup " + o.backupId() + ", " + o.bytes() + " bytes"));
        } catch (PgvaultException e) {
            context.getLogger().severe("pgvault: attempt " + attempt + ": " + e.render());
            throw new IllegalStateException(e.problem(), null);
        }
    }
}
