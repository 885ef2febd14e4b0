package io.pgvault.jobs;

import com.azure.storage.blob.models.BlobStorageException;

/**
 * Breaks ArchitectureTest's storage-SDK rule on purpose (a class outside vault/ testing a storage status code), so
 * the test can show the rule catches it. A test class: the rules on production code never see it.
 */
final class StorageSdkFixture {

    private StorageSdkFixture() {
    }

    static boolean notFound(RuntimeException e) {
        return e instanceof BlobStorageException b && b.getStatusCode() == 404;
    }
}
