package io.firehosegateway.sink.local;

import io.firehosegateway.sink.Sink;
import io.firehosegateway.sink.SinkContractTests;
import io.firehosegateway.support.LocalSinkFiles;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The local file sink passes the sink contract. Files never answer entry by entry, refuse a call as
 * invalid or have a configuration the sink could find wrong, so those three faults are skipped.
 */
class LocalFileSinkContractTests extends SinkContractTests {

    @Override
    protected SinkUnderTest start() {
        Path directory = temp.resolve("local");
        LocalFileSink sink =
                new LocalFileSink(new LocalSinkProperties(directory, Duration.ofMillis(100)), Clock.systemUTC());
        return new SinkUnderTest() {
            @Override
            public Sink sink() {
                return sink;
            }

            @Override
            public String destination() {
                return "contract-files";
            }

            @Override
            public List<String> landed() {
                return new LocalSinkFiles(directory).lines();
            }

            @Override
            public void close() {
                sink.close();
            }
        };
    }
}
