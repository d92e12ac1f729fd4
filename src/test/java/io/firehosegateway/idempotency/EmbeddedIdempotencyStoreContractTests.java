package io.firehosegateway.idempotency;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The store's contract, held by the embedded store on a real file. */
class EmbeddedIdempotencyStoreContractTests extends IdempotencyStoreContract {

    @TempDir
    Path directory;

    @Override
    IdempotencyStore openStore() {
        return new EmbeddedIdempotencyStore(new EmbeddedFile(directory));
    }
}
