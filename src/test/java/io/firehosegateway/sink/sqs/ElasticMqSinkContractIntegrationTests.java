package io.firehosegateway.sink.sqs;

import io.firehosegateway.support.ElasticMqServer;
import java.net.URI;

/**
 * The SQS sink passes the same contract against ElasticMQ, a second implementation of SQS's JSON
 * protocol, started inside the test JVM with SQS's 1 MiB message limit (see {@link ElasticMqServer}
 * for what ElasticMQ itself enforces); the fault proxy sits between the SDK and it as for moto.
 */
class ElasticMqSinkContractIntegrationTests extends SqsSinkContractIntegrationTests {

    @Override
    protected URI emulatorEndpoint() {
        return ElasticMqServer.endpoint();
    }
}
