package io.pgvault.restore;

import com.azure.storage.blob.BlobClient;

/**
 * Not production code: a class of the restore package (outside restore.targets) that uses the storage SDK, so
 * ArchitectureTest can show that its rule reports such a class. Nothing calls it.
 */
final class SdkOutsideTargetFixture {

    private SdkOutsideTargetFixture() {
    }

    static String leak(BlobClient blob) {
        return blob.getBlobName();
    }
}
