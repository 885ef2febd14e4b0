package io.pgvault.fanout;

import io.pgvault.vault.queue.BackupMessage;
import com.azure.storage.queue.QueueClient;
import com.azure.storage.queue.QueueClientBuilder;
import com.azure.storage.queue.QueueMessageEncoding;
import com.azure.storage.queue.models.PeekedMessageItem;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import io.pgvault.vault.queue.BackupQueue;
import io.pgvault.testing.Errors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The queue adapter against Azurite's real queue service (AzureWebJobsStorage from scripts/services.sh): what it
 * sends is what a plain SDK client reads back (Base64 JSON, as the Functions trigger expects), dequeue counts
 * grow with each retry, and a message moved to poison leaves the queue.
 */
class BackupQueueTest {

    private final BackupQueue queue = new BackupQueue(JsonMapper.builder().addModule(new JavaTimeModule()).build(), 3,
            Duration.ofMillis(200), System.getenv("AzureWebJobsStorage"));

    static QueueClient raw(String name) {
        QueueClient q = new QueueClientBuilder().connectionString(System.getenv("AzureWebJobsStorage")).queueName(name)
                .messageEncoding(QueueMessageEncoding.BASE64).buildClient();
        q.createIfNotExists();
        return q;
    }

    /** Empties both queues: other tests of this JVM use them too. */
    static void clearQueues() {
        raw(BackupQueue.NAME).clearMessages();
        raw(BackupQueue.POISON).clearMessages();
    }

    @BeforeEach
    void clear() {
        clearQueues();
    }

    @Test
    void aSentMessageIsJsonThatAPlainClientReadsBack() {
        BackupMessage m = new BackupMessage("srv-a", "2026-W48", "backup-queued-20261129T020000Z-0a1b2c", BackupMessage.SCHEDULED,
                Instant.parse("2026-11-29T02:00:00Z"));
        queue.send(m);
        List<PeekedMessageItem> peeked = raw(BackupQueue.NAME).peekMessages(32, null, null).stream().toList();
        assertEquals(1, peeked.size());
        String body = peeked.get(0).getBody().toString();
        assertTrue(body.contains("\"server\":\"srv-a\"") && body.contains("\"isoWeek\":\"2026-W48\""), body);
        assertEquals(m, queue.parse(body));
    }

    @Test
    void aRetriedMessageComesBackWithAHigherDequeueCountAndPoisonEmptiesTheQueue() throws InterruptedException {
        queue.send(new BackupMessage("srv-b", "2026-W48", "backup-queued-20261129T020001Z-0a1b2d", BackupMessage.ON_DEMAND, Instant.now()));
        BackupQueue.Delivery first = queue.receive(1, Duration.ofSeconds(30)).get(0);
        assertEquals(1, first.dequeueCount());
        assertTrue(queue.receive(1, Duration.ofSeconds(30)).isEmpty(), "hidden while an attempt runs");
        queue.retryAfter(first, Duration.ZERO);
        BackupQueue.Delivery second = null;
        for (int i = 0; i < 50 && second == null; i++) { // bounded: 5 s
            List<BackupQueue.Delivery> got = queue.receive(1, Duration.ofSeconds(30));
            second = got.isEmpty() ? null : got.get(0);
            if (second == null) {
                Thread.sleep(100);
            }
        }
        assertTrue(second != null, "the retried message is visible again");
        assertEquals(2, second.dequeueCount());
        queue.toPoison(second);
        assertFalse(raw(BackupQueue.NAME).peekMessages(32, null, null).iterator().hasNext(), "gone from the queue");
        String poisoned = raw(BackupQueue.POISON).peekMessages(1, null, null).iterator().next().getBody().toString();
        assertEquals("srv-b", queue.parse(poisoned).server());
    }

    @Test
    void aForeignMessageIsRefusedWithAHint() {
        PgvaultException e = Errors.assertKind(ErrorKind.INVALID_REQUEST, () -> queue.parse("{\"hello\":1}"));
        assertTrue(e.render().contains("HINT"), e.render());
        // A message naming another job's record (a real backup's) is refused: the worker would overwrite it.
        Errors.assertKind(ErrorKind.INVALID_REQUEST, () -> queue.parse("{\"server\":\"a\",\"isoWeek\":\"2026-W48\","
                + "\"jobId\":\"backup-20261129T020000Z\",\"reason\":\"scheduled\"}"));
    }
}
