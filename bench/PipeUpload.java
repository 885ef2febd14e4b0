import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.ParallelTransferOptions;
import com.azure.storage.blob.options.BlobParallelUploadOptions;

/**
 * Benchmark case "pipeline": what a user scripts by hand with the Azure storage SDK — stdin (e.g. {@code pg_dump -Fc
 * -Z0 | zstd -1 -T2 | java PipeUpload NAME}) streamed into a new blob by the SDK's plain parallel upload (8 MiB
 * blocks, 4 in flight), no hashing beyond what the SDK does. Plain JVM, no Quarkus. Reads
 * PGVAULT_VAULT_CONNECTION_STRING and PGVAULT_VAULT_CONTAINER. Not part of pgvault.
 */
public final class PipeUpload {
    public static void main(String[] args) {
        BlobContainerClient container = new BlobServiceClientBuilder()
                .connectionString(System.getenv("PGVAULT_VAULT_CONNECTION_STRING")).buildClient()
                .getBlobContainerClient(System.getenv("PGVAULT_VAULT_CONTAINER"));
        if (!container.exists()) {
            container.create();
        }
        var options = new BlobParallelUploadOptions(System.in)
                .setParallelTransferOptions(new ParallelTransferOptions().setBlockSizeLong(8L << 20).setMaxConcurrency(4))
                .setRequestConditions(new BlobRequestConditions().setIfNoneMatch("*"));
        container.getBlobClient("manual/" + args[0]).uploadWithResponse(options, null, null);
        System.exit(0);
    }
}
