package io.pgvault.vault.queue;

import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.identity.ManagedIdentityCredentialBuilder;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import com.azure.storage.queue.QueueClient;
import com.azure.storage.queue.QueueClientBuilder;
import com.azure.storage.queue.QueueMessageEncoding;
import com.azure.storage.queue.models.QueueMessageItem;
import com.azure.storage.queue.models.QueueStorageException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import io.pgvault.errors.Redactor;
import io.pgvault.config.PgvaultConfig;
import io.pgvault.config.Settings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.ConfigProvider;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The fleet's backup queue, {@code pgvault-backups} in the Functions host's storage account (AzureWebJobsStorage),
 * and its poison queue. The one place that uses the queue SDK: messages are JSON {@link BackupMessage}s, Base64
 * encoded as the Functions queue trigger expects by default.
 */
@ApplicationScoped
public class BackupQueue {

    /** The queue the scheduler and backupNow fill and the backupServer function drains. */
    public static final String NAME = "pgvault-backups";
    /** Where the Functions host moves a message after its last failed attempt. */
    public static final String POISON = NAME + "-poison";

    private final ObjectMapper json;
    private final RequestRetryOptions retry;
    private final Supplier<HostQueueSettings> settings;
    private volatile Clients clients;

    /** With the vault's retry settings (pgvault.vault.retry-max-tries, retry-delay): both are the app's storage calls. */
    @Inject
    public BackupQueue(ObjectMapper json, PgvaultConfig config) {
        this(json, new Settings(config), () -> HostQueueSettings.read(ConfigProvider.getConfig()));
    }

    private BackupQueue(ObjectMapper json, Settings settings, Supplier<HostQueueSettings> host) {
        this(json, settings.retryMaxTries(), settings.retryDelay(), host);
    }

    /** With an explicit AzureWebJobsStorage connection string (for use outside the app). */
    public BackupQueue(ObjectMapper json, int maxTries, Duration retryDelay, String connectionString) {
        this(json, maxTries, retryDelay, () -> new HostQueueSettings(Optional.of(connectionString), Optional.empty(),
                Optional.empty()));
    }

    private BackupQueue(ObjectMapper json, int maxTries, Duration retryDelay, Supplier<HostQueueSettings> settings) {
        this.json = json;
        this.settings = settings;
        this.retry = new RequestRetryOptions(RetryPolicyType.EXPONENTIAL, Math.max(1, maxTries), Duration.ofSeconds(60),
                retryDelay, Duration.ofSeconds(20), null);
    }

    /** A message taken from the queue: hidden from others until deleted or its visibility timeout ends. */
    public record Delivery(BackupMessage message, long dequeueCount, String messageId, String popReceipt, String text) {
    }

    private record Clients(QueueClient queue, QueueClient poison) {
    }

    /** Puts one message on the queue (the queue is created on first use when it is missing, as locally). */
    public void send(BackupMessage message) {
        String text = toJson(message);
        call("queue the backup of " + message.server(), () -> clients().queue().sendMessage(text));
    }

    /** Takes up to {@code max} messages, hidden for {@code visibility} (the attempt's time to finish or fail). */
    public List<Delivery> receive(int max, Duration visibility) {
        List<Delivery> out = new ArrayList<>();
        call("read the backup queue", () -> {
            for (QueueMessageItem m : clients().queue().receiveMessages(max, visibility, null, null)) {
                out.add(new Delivery(parse(m.getBody().toString()), m.getDequeueCount(), m.getMessageId(),
                        m.getPopReceipt(), m.getBody().toString()));
            }
        });
        return out;
    }

    /** Removes a message that was handled (backed up, or nothing left to do). */
    public void delete(Delivery d) {
        call("remove a handled message", () -> clients().queue().deleteMessage(d.messageId(), d.popReceipt()));
    }

    /** Makes a failed message visible again after {@code delay}, as the host does before the next attempt. */
    public void retryAfter(Delivery d, Duration delay) {
        call("return a message to the queue", () -> clients().queue()
                .updateMessage(d.messageId(), d.popReceipt(), d.text(), delay));
    }

    /** Moves a message whose last attempt failed to the poison queue, as the host does past maxDequeueCount. */
    public void toPoison(Delivery d) {
        call("move a message to " + POISON, () -> {
            clients().poison().sendMessage(d.text());
            clients().queue().deleteMessage(d.messageId(), d.popReceipt());
        });
    }

    /** Reads a message body the trigger handed over (JSON); an unreadable one is INVALID_REQUEST. */
    public BackupMessage parse(String text) {
        try {
            BackupMessage m = json.readValue(text, BackupMessage.class);
            if (m == null || m.server() == null || m.isoWeek() == null || m.jobId() == null) {
                throw new IllegalArgumentException("server, isoWeek or jobId missing");
            }
            if (!BackupMessage.JOB_ID.matcher(m.jobId()).matches() || !BackupMessage.ISO_WEEK.matcher(m.isoWeek()).matches()) {
                throw new IllegalArgumentException("jobId or isoWeek is not one pgvault queues");
            }
            return m;
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new PgvaultException(ErrorKind.INVALID_REQUEST, "A message on " + NAME + " is not a pgvault backup request.",
                    e.getClass().getSimpleName() + " (" + Math.min(text.length(), 2000) + " characters)",
                    "Only pgvault's scheduler and backupNow write to " + NAME + "; remove the message from the queue.");
        }
    }

    String toJson(BackupMessage message) {
        try {
            return json.writeValueAsString(message);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a backup message is always serializable", e);
        }
    }

    private void call(String action, Runnable step) {
        try {
            step.run();
        } catch (PgvaultException e) {
            throw e;
        } catch (RuntimeException e) {
            throw unavailable(action, e);
        }
    }

    private static PgvaultException unavailable(String action, RuntimeException e) {
        String evidence = e instanceof QueueStorageException q ? "status " + q.getStatusCode() + " " + q.getErrorCode()
                : PgvaultException.rootCause(e).getClass().getSimpleName() + ": " + PgvaultException.rootCause(e).getMessage();
        boolean denied = e instanceof QueueStorageException q && (q.getStatusCode() == 401 || q.getStatusCode() == 403);
        String hint = denied ? "Grant the app's identity 'Storage Queue Data Contributor' on the host storage account "
                + "(infra/app/rbac.bicep does), or fix AzureWebJobsStorage."
                : "Check AzureWebJobsStorage (locally: source env.sh of scripts/services.sh) and that the account's "
                        + "queue service is reachable; nothing was queued.";
        return new PgvaultException(ErrorKind.QUEUE_UNAVAILABLE, "Could not " + action + " (queue " + NAME + ").",
                Redactor.redact(evidence), hint, e);
    }

    private Clients clients() {
        Clients c = clients;
        if (c == null) {
            synchronized (this) {
                if (clients == null) {
                    HostQueueSettings s = settings.get();
                    s.connectionString().ifPresent(Redactor::registerSecret);
                    QueueClient queue = build(s, NAME, retry);
                    QueueClient poison = build(s, POISON, retry);
                    createIfMissing(queue);
                    createIfMissing(poison);
                    clients = new Clients(queue, poison);
                }
                c = clients;
            }
        }
        return c;
    }

    /** Locally the queues are made on first use; in Azure infra/ made them and this is a no-op. */
    private static void createIfMissing(QueueClient queue) {
        try {
            queue.createIfNotExists();
        } catch (RuntimeException e) {
            // A failure here shows again, mapped, on the first send or receive.
            org.jboss.logging.Logger.getLogger(BackupQueue.class).debugf("Could not create queue %s: %s",
                    queue.getQueueName(), Redactor.redact(String.valueOf(e.getMessage())));
        }
    }

    private static QueueClient build(HostQueueSettings s, String name, RequestRetryOptions retry) {
        QueueClientBuilder b = new QueueClientBuilder().queueName(name).messageEncoding(QueueMessageEncoding.BASE64)
                .retryOptions(retry);
        if (s.connectionString().isPresent()) {
            return b.connectionString(s.connectionString().get()).buildClient();
        }
        Optional<String> clientId = s.clientId();
        var credential = clientId.isPresent()
                ? new ManagedIdentityCredentialBuilder().clientId(clientId.get()).build()
                : new DefaultAzureCredentialBuilder().build();
        return b.endpoint(s.endpoint().orElseThrow()).credential(credential).buildClient();
    }
}
