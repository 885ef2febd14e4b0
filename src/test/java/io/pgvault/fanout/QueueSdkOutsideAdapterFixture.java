package io.pgvault.fanout;

import com.azure.storage.queue.models.QueueStorageException;

/**
 * Breaks ArchitectureTest's storage-SDK rule on purpose (a fan-out class outside its queue adapter reading a queue
 * status code), so the test can show the rule catches it. A test class: the rules on production code never see it.
 */
final class QueueSdkOutsideAdapterFixture {

    private QueueSdkOutsideAdapterFixture() {
    }

    static boolean notFound(RuntimeException e) {
        return e instanceof QueueStorageException q && q.getStatusCode() == 404;
    }
}
