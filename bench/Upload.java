import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.ParallelTransferOptions;
import com.azure.storage.blob.options.BlobUploadFromFileOptions;

import java.time.Duration;

/**
 * Benchmark case (b): what a user scripts by hand — upload a finished dump file with the Azure SDK's own
 * parallel file upload. Run as a single-file program on the app's classpath:
 * java -cp 'target/lib/*' bench/Upload.java FILE BLOB_NAME
 */
public class Upload {
    public static void main(String[] args) {
        var container = new BlobServiceClientBuilder()
                .connectionString(System.getenv("PGVAULT_VAULT_CONNECTION_STRING")).buildClient()
                .getBlobContainerClient(System.getenv("PGVAULT_VAULT_CONTAINER"));
        container.createIfNotExists();
        var options = new BlobUploadFromFileOptions(args[0]).setParallelTransferOptions(
                new ParallelTransferOptions().setBlockSizeLong(8L << 20).setMaxConcurrency(4));
        container.getBlobClient(args[1]).uploadFromFileWithResponse(options, Duration.ofHours(2), null);
    }
}
