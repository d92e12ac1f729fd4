package io.firehosebench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Firehose that answers as fast as the machine lets it, for benchmarks: moto manages 40 to 50
 * {@code PutRecordBatch} calls a second, which would measure moto, not the gateway.
 *
 * <p>It speaks just enough of the JSON 1.1 protocol for the AWS SDKs: {@code PutRecordBatch} (every
 * record accepted), {@code PutRecord} and {@code DescribeDeliveryStream}; and of Kinesis Data
 * Streams' (JSON, and CBOR where the call is CBOR, as {@link FakeKinesisCbor} reads it)
 * {@code PutRecords} (every record accepted, billed in 25 KiB PUT payload units) and
 * {@code DescribeStreamSummary}. It never decodes the
 * records: it finds each {@code "Data"} string and counts its decoded size from its base64 length,
 * so its own cost per call stays small next to the gateway's. Per stream it counts calls, records,
 * bytes and billed 5 KiB units, served as JSON at {@code GET /stats}.
 *
 * <p>It also answers SQS's {@code GetQueueUrl} and {@code SendMessageBatch} (JSON 1.0, every entry
 * successful, with the MD5s the SDK checks), counting per queue the entries of each call and the
 * requests SQS bills: one per 64 KiB chunk of a call's bodies and attributes. Those calls carry at
 * most 10 entries, so they are parsed whole.
 *
 * <p>{@code POST /admin?kinesisShards=2} gives every Kinesis stream that many shards, splitting the
 * hash-key space evenly, and a shard's limits: {@code ListShards} lists them, {@code PutRecords}
 * places each record by its explicit hash key or its partition key's MD5, answers the shard it
 * landed on, and answers {@code ProvisionedThroughputExceededException} for a record beyond its
 * shard's 1,000 records or 1 MiB (data and partition key) in the current second, as Kinesis does
 * per record. In that mode it decodes every record, counting the events in it (a KPL aggregate's
 * user records, else its lines), and counts per shard what it took and what it refused. 0 (the
 * start) turns it off.
 *
 * <p>{@code POST /admin?latencyMs=5} delays every answer (as a remote Firehose would),
 * {@code POST /admin?outage=on} answers every call with 503 {@code ServiceUnavailableException},
 * {@code POST /admin/reset} zeroes the counters.
 *
 * <p>Run: {@code java -cp <test classpath> io.firehosebench.FakeFirehose [port]}; it prints
 * {@code listening on <port>} once it accepts calls.
 */
public final class FakeFirehose implements AutoCloseable {

    private static final int BILLING_UNIT = 5 * 1024;
    private static final byte[] DATA_KEY = "\"Data\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] STREAM_KEY = "\"DeliveryStreamName\"".getBytes(StandardCharsets.US_ASCII);
    /** As long as Firehose's own record ids, so the client parses answers of the real size. */
    private static final String RECORD_ID = "49546986683135544286507457936321625675700192471156785154";

    private static final int KINESIS_BILLING_UNIT = 25 * 1024;
    /** A shard's limits for writes, per second. */
    static final int SHARD_RECORDS_PER_SECOND = 1000;

    static final long SHARD_BYTES_PER_SECOND = 1024 * 1024;
    private static final BigInteger HASH_KEY_SPACE = BigInteger.ONE.shiftLeft(128);
    private static final byte[] KPL_MAGIC = {(byte) 0xF3, (byte) 0x89, (byte) 0x9A, (byte) 0xC2};
    private static final int KPL_DIGEST_BYTES = 16;
    private static final int KPL_RECORDS_FIELD = 3;
    private static final byte[] KINESIS_STREAM_KEY = "\"StreamName\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KINESIS_ARN_KEY = "\"StreamARN\"".getBytes(StandardCharsets.US_ASCII);
    /** As long as Kinesis's own sequence numbers. */
    private static final String SEQUENCE_NUMBER = "49590338271490256608559692538361571095921575989136588898";

    private static final String TARGET_PREFIX = "Firehose_20150804.";
    private static final String KINESIS_TARGET_PREFIX = "Kinesis_20131202.";
    private static final String JSON_11 = "application/x-amz-json-1.1";
    private static final String JSON_10 = "application/x-amz-json-1.0";
    private static final int SQS_BILLING_CHUNK = 64 * 1024;
    private static final JsonMapper json = JsonMapper.builder().build();

    private final HttpServer server;
    private final ExecutorService executor;
    private final Map<String, StreamStats> streams = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> calls = new ConcurrentHashMap<>();
    private final LongAdder refused = new LongAdder();
    private final byte[][] batchAnswers = new byte[501][];
    private final byte[][] kinesisAnswers = new byte[501][];
    /** {@link #kinesisAnswers} in CBOR, written when first asked for. */
    private final byte[][] kinesisCborAnswers = new byte[501][];

    private final AtomicLong requestIds = new AtomicLong();
    private final Map<String, ShardStats> shards = new ConcurrentHashMap<>();
    private final LongSupplier clockMillis;
    private volatile long latencyMillis;
    private volatile boolean outage;
    private volatile int kinesisShards;

    public FakeFirehose(int port) throws IOException {
        this(port, System::currentTimeMillis);
    }

    /** A fake whose shards' seconds are read from {@code clockMillis}. */
    FakeFirehose(int port, LongSupplier clockMillis) throws IOException {
        this.clockMillis = clockMillis;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 1024);
        executor = newExecutor();
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        for (int n = 0; n <= 500; n++) {
            batchAnswers[n] = batchAnswer(n);
            kinesisAnswers[n] = kinesisAnswer(n);
        }
    }

    public static void main(String[] args) throws IOException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        // The JDK's server leaves Nagle on: an answer's last small write then waits for the ACK the
        // client delays, about 40 ms on every call whose answer spans segments (a 500-record
        // PutRecordBatch), which a benchmark would read as the gateway's latency. Read once, when the
        // first server is made.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        FakeFirehose fake = new FakeFirehose(port);
        fake.start();
        System.out.println("listening on " + fake.port());
        System.out.flush();
    }

    public void start() {
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port());
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    /**
     * Virtual threads where the JDK has them (21 and later), so a delayed answer costs no platform
     * thread; a cached pool otherwise. Looked up by reflection because the build targets Java 17.
     */
    private static ExecutorService newExecutor() {
        try {
            return (ExecutorService)
                    Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
        } catch (ReflectiveOperationException e) {
            return Executors.newCachedThreadPool(runnable -> {
                Thread thread = new Thread(runnable, "fake-firehose");
                thread.setDaemon(true);
                return thread;
            });
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            if ("GET".equals(method) && path.equals("/stats")) {
                send(exchange, 200, "application/json", stats().getBytes(StandardCharsets.UTF_8));
            } else if ("POST".equals(method) && path.equals("/admin/reset")) {
                streams.clear();
                shards.clear();
                calls.clear();
                refused.reset();
                send(exchange, 200, "application/json", stats().getBytes(StandardCharsets.UTF_8));
            } else if ("POST".equals(method) && path.equals("/admin")) {
                admin(exchange.getRequestURI().getQuery());
                send(exchange, 200, "application/json", stats().getBytes(StandardCharsets.UTF_8));
            } else if ("POST".equals(method)) {
                api(exchange);
            } else {
                send(exchange, 404, "text/plain", "not found\n".getBytes(StandardCharsets.US_ASCII));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void admin(String query) {
        if (query == null) {
            return;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            switch (key) {
                case "latencyMs" -> latencyMillis = Long.parseLong(value);
                case "outage" -> outage = value.equals("on") || value.equals("true");
                case "kinesisShards" -> setKinesisShards(Integer.parseInt(value));
                default -> throw new IllegalArgumentException("unknown setting " + key);
            }
        }
    }

    private void api(HttpExchange exchange) throws IOException, InterruptedException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
        String action = target != null && target.startsWith(TARGET_PREFIX)
                ? target.substring(TARGET_PREFIX.length())
                : target != null && target.startsWith(KINESIS_TARGET_PREFIX)
                        ? target.substring(KINESIS_TARGET_PREFIX.length())
                        : target != null && target.startsWith("AmazonSQS.") ? target : String.valueOf(target);
        if (FakeKinesisCbor.speaks(exchange.getRequestHeaders().getFirst("Content-Type"))
                && !"PutRecords".equals(action)) {
            // Rare calls (describe, list): read as JSON, so every action but the hot one has one reader.
            body = FakeKinesisCbor.toJson(body);
        }
        long latency = latencyMillis;
        if (latency > 0) {
            Thread.sleep(latency);
        }
        if (outage) {
            refused.increment();
            exchange.getResponseHeaders().set("x-amzn-ErrorType", "ServiceUnavailableException");
            send(
                    exchange,
                    503,
                    JSON_11,
                    "{\"__type\":\"ServiceUnavailableException\",\"message\":\"Slow down.\"}"
                            .getBytes(StandardCharsets.US_ASCII));
            return;
        }
        calls.computeIfAbsent(action, a -> new LongAdder()).increment();
        switch (action) {
            case "PutRecordBatch" -> {
                int records = count(body, stringAt(body, STREAM_KEY));
                send(exchange, 200, JSON_11, batchAnswers[Math.min(records, 500)]);
            }
            case "PutRecords" -> {
                if (FakeKinesisCbor.speaks(exchange.getRequestHeaders().getFirst("Content-Type"))) {
                    putRecordsInCbor(exchange, body);
                    return;
                }
                if (kinesisShards > 0) {
                    send(exchange, 200, JSON_11, putRecordsOnShards(body));
                    return;
                }
                int records = count(body, kinesisStream(body), KINESIS_BILLING_UNIT);
                send(exchange, 200, JSON_11, kinesisAnswers[Math.min(records, 500)]);
            }
            case "DescribeStreamSummary" -> {
                String stream = kinesisStream(body);
                String answer = "{\"StreamDescriptionSummary\":{\"StreamName\":\"" + stream
                        + "\",\"StreamARN\":\"arn:aws:kinesis:us-east-1:123456789012:stream/" + stream
                        + "\",\"StreamStatus\":\"ACTIVE\",\"StreamModeDetails\":{\"StreamMode\":\"PROVISIONED\"},"
                        + "\"RetentionPeriodHours\":24,\"OpenShardCount\":" + (kinesisShards > 0 ? kinesisShards : 4)
                        + ",\"EnhancedMonitoring\":[]}}";
                send(exchange, 200, JSON_11, answer.getBytes(StandardCharsets.UTF_8));
            }
            case "ListShards" -> send(exchange, 200, JSON_11, listShards());
            case "AmazonSQS.GetQueueUrl" -> {
                String queue = json.readTree(body).get("QueueName").asString();
                send(
                        exchange,
                        200,
                        JSON_10,
                        ("{\"QueueUrl\":\"" + endpoint() + "/123456789012/" + queue + "\"}")
                                .getBytes(StandardCharsets.UTF_8));
            }
            case "AmazonSQS.SendMessageBatch" -> send(exchange, 200, JSON_10, sendMessageBatch(body));
            case "PutRecord" -> {
                count(body, stringAt(body, STREAM_KEY));
                send(
                        exchange,
                        200,
                        JSON_11,
                        ("{\"Encrypted\":false,\"RecordId\":\"" + RECORD_ID + "\"}")
                                .getBytes(StandardCharsets.US_ASCII));
            }
            case "DescribeDeliveryStream" -> {
                String stream = stringAt(body, STREAM_KEY);
                String answer = "{\"DeliveryStreamDescription\":{\"DeliveryStreamName\":\"" + stream
                        + "\",\"DeliveryStreamARN\":\"arn:aws:firehose:us-east-1:123456789012:deliverystream/"
                        + stream + "\",\"DeliveryStreamStatus\":\"ACTIVE\",\"DeliveryStreamType\":\"DirectPut\","
                        + "\"VersionId\":\"1\",\"Destinations\":[],\"HasMoreDestinations\":false}}";
                send(exchange, 200, JSON_11, answer.getBytes(StandardCharsets.UTF_8));
            }
            default ->
                send(
                        exchange,
                        400,
                        JSON_11,
                        ("{\"__type\":\"UnknownOperationException\",\"message\":\"" + action + "\"}")
                                .getBytes(StandardCharsets.UTF_8));
        }
    }

    private void putRecordsInCbor(HttpExchange exchange, byte[] body) throws IOException {
        if (kinesisShards > 0) {
            send(
                    exchange,
                    400,
                    JSON_11,
                    "{\"__type\":\"InvalidArgumentException\",\"message\":\"the fake's shards speak JSON only\"}"
                            .getBytes(StandardCharsets.US_ASCII));
            return;
        }
        FakeKinesisCbor.PutRecords call = FakeKinesisCbor.putRecords(body);
        long bytes = 0;
        long units = 0;
        for (long size : call.dataSizes()) {
            bytes += size;
            units += units(size, KINESIS_BILLING_UNIT);
        }
        int records = tally(call.stream(), call.dataSizes().length, bytes, units);
        int answer = Math.min(records, 500);
        byte[] cbor = kinesisCborAnswers[answer];
        if (cbor == null) {
            // Racing threads write the same bytes: no lock needed.
            cbor = FakeKinesisCbor.fromJson(kinesisAnswers[answer]);
            kinesisCborAnswers[answer] = cbor;
        }
        send(exchange, 200, FakeKinesisCbor.CONTENT_TYPE, cbor);
    }

    /** Shards on and off; their counters and seconds start again, as a new stream's would. */
    void setKinesisShards(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("kinesisShards must be 0 or more: " + count);
        }
        kinesisShards = count;
        shards.clear();
    }

    /**
     * Every shard open, with an even share of the hash-key space; without shards on, none, so a
     * client that needs them falls back as it would on a stream it cannot list.
     */
    private byte[] listShards() {
        StringBuilder answer = new StringBuilder("{\"Shards\":[");
        int count = kinesisShards;
        for (int i = 0; i < count; i++) {
            answer.append(i == 0 ? "" : ",")
                    .append("{\"ShardId\":\"")
                    .append(shardId(i))
                    .append("\",\"HashKeyRange\":{\"StartingHashKey\":\"")
                    .append(startingHashKey(i, count))
                    .append("\",\"EndingHashKey\":\"")
                    .append(startingHashKey(i + 1, count).subtract(BigInteger.ONE))
                    .append("\"},\"SequenceNumberRange\":{\"StartingSequenceNumber\":\"")
                    .append(SEQUENCE_NUMBER)
                    .append("\"}}");
        }
        return answer.append("]}").toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static BigInteger startingHashKey(int shard, int count) {
        return HASH_KEY_SPACE.multiply(BigInteger.valueOf(shard)).divide(BigInteger.valueOf(count));
    }

    private static String shardId(int shard) {
        return String.format("shardId-%012d", shard);
    }

    /**
     * Places each record on its shard and takes it if the shard's second has room for it, else
     * refuses it alone, as Kinesis does: the answer lists every record in the request's order.
     */
    private byte[] putRecordsOnShards(byte[] body) {
        JsonNode request = json.readTree(body);
        String stream = request.has("StreamName")
                ? request.get("StreamName").asString()
                : request.get("StreamARN").asString();
        StreamStats stats = streams.computeIfAbsent(stream, s -> new StreamStats());
        int count = kinesisShards;
        long second = Math.floorDiv(clockMillis.getAsLong(), 1000);
        StringBuilder answer = new StringBuilder("{\"FailedRecordCount\":");
        StringBuilder entries = new StringBuilder();
        int failed = 0;
        int records = 0;
        long bytes = 0;
        long units = 0;
        for (JsonNode record : request.get("Records")) {
            byte[] data = record.get("Data").binaryValue();
            String partitionKey = record.get("PartitionKey").asString();
            JsonNode explicit = record.get("ExplicitHashKey");
            BigInteger hashKey = explicit != null && !explicit.isNull()
                    ? new BigInteger(explicit.asString())
                    : new BigInteger(1, FakeSqsBatch.md5().digest(partitionKey.getBytes(StandardCharsets.UTF_8)));
            int shard = hashKey.multiply(BigInteger.valueOf(count))
                    .divide(HASH_KEY_SPACE)
                    .intValue();
            long size = data.length + partitionKey.getBytes(StandardCharsets.UTF_8).length;
            ShardStats shardStats = shards.computeIfAbsent(stream + "/" + shardId(shard), s -> new ShardStats());
            int events = events(data);
            entries.append(records + failed == 0 ? "" : ",");
            if (!shardStats.take(second, size, events)) {
                failed++;
                stats.throttled.increment();
                entries.append("{\"ErrorCode\":\"ProvisionedThroughputExceededException\",\"ErrorMessage\":")
                        .append("\"Rate exceeded for shard ")
                        .append(shardId(shard))
                        .append(" in stream ")
                        .append(stream)
                        .append(" under account 123456789012.\"}");
                continue;
            }
            records++;
            bytes += data.length;
            units += Math.max(1, (data.length + KINESIS_BILLING_UNIT - 1) / KINESIS_BILLING_UNIT);
            stats.events.add(events);
            entries.append("{\"SequenceNumber\":\"")
                    .append(SEQUENCE_NUMBER)
                    .append("\",\"ShardId\":\"")
                    .append(shardId(shard))
                    .append("\"}");
        }
        stats.calls.increment();
        stats.records.add(records);
        stats.bytes.add(bytes);
        stats.billedUnits.add(units);
        stats.maxRecordsPerCall.accumulateAndGet(records + failed, Math::max);
        return answer.append(failed)
                .append(",\"Records\":[")
                .append(entries)
                .append("]}")
                .toString()
                .getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The events a record holds: a KPL aggregate's user records (field 3 of its
     * {@code AggregatedRecord}, between the magic bytes and the MD5), else its lines, at least one.
     */
    static int events(byte[] data) {
        if (data.length > KPL_MAGIC.length + KPL_DIGEST_BYTES
                && Arrays.equals(data, 0, KPL_MAGIC.length, KPL_MAGIC, 0, KPL_MAGIC.length)) {
            int end = data.length - KPL_DIGEST_BYTES;
            int at = KPL_MAGIC.length;
            int userRecords = 0;
            while (at < end) {
                long[] tag = varint(data, at);
                at = (int) tag[1];
                if ((tag[0] & 7) != 2) {
                    throw new IllegalArgumentException("an AggregatedRecord has only length-delimited fields");
                }
                long[] length = varint(data, at);
                at = (int) (length[1] + length[0]);
                if (tag[0] >>> 3 == KPL_RECORDS_FIELD) {
                    userRecords++;
                }
            }
            return userRecords;
        }
        int lines = 0;
        for (byte b : data) {
            if (b == '\n') {
                lines++;
            }
        }
        return Math.max(1, lines);
    }

    /** A protobuf varint at {@code at}: its value and the position after it. */
    private static long[] varint(byte[] data, int at) {
        long value = 0;
        int shift = 0;
        while (true) {
            byte b = data[at++];
            value |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return new long[] {value, at};
            }
            shift += 7;
        }
    }

    private static String kinesisStream(byte[] body) {
        String name = stringAt(body, KINESIS_STREAM_KEY);
        return name.equals("?") ? stringAt(body, KINESIS_ARN_KEY) : name;
    }

    /**
     * Takes every entry of an SQS batch: counts them, their bodies' and attributes' bytes and the
     * requests SQS bills for the call, and answers each entry by its {@code Id} with its MD5s.
     */
    private byte[] sendMessageBatch(byte[] body) {
        FakeSqsBatch.Batch batch = FakeSqsBatch.read(body);
        String url = batch.queueUrl();
        StreamStats stats = streams.computeIfAbsent(url.substring(url.lastIndexOf('/') + 1), s -> new StreamStats());
        StringBuilder answer = new StringBuilder("{\"Successful\":[");
        int entries = 0;
        long bytes = 0;
        for (FakeSqsBatch.Entry entry : batch.entries()) {
            bytes += FakeSqsBatch.bytes(entry);
            answer.append(entries == 0 ? "" : ",")
                    .append(FakeSqsBatch.success(entry, Long.toString(requestIds.incrementAndGet())));
            entries++;
        }
        stats.calls.increment();
        stats.records.add(entries);
        stats.bytes.add(bytes);
        stats.billedUnits.add(Math.max(1, (bytes + SQS_BILLING_CHUNK - 1) / SQS_BILLING_CHUNK));
        stats.maxRecordsPerCall.accumulateAndGet(entries, Math::max);
        return answer.append("],\"Failed\":[]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * One entry of a {@code SendMessageBatch} request answered successful, with the MD5s of its body
     * and string attributes that the SDK checks.
     */
    public static String sqsSuccess(JsonNode entry, String messageId) {
        TreeMap<String, FakeSqsBatch.Attribute> attributes = new TreeMap<>();
        JsonNode given = entry.get("MessageAttributes");
        if (given != null) {
            for (String name : given.propertyNames()) {
                JsonNode attribute = given.get(name);
                attributes.put(
                        name,
                        new FakeSqsBatch.Attribute(
                                attribute.get("DataType").asString(),
                                attribute.get("StringValue").asString()));
            }
        }
        return FakeSqsBatch.success(
                new FakeSqsBatch.Entry(
                        entry.get("Id").asString(), entry.get("MessageBody").asString(), attributes),
                messageId);
    }

    /** Counts the records of a call: each {@code "Data"} string, sized from its base64 length. */
    private int count(byte[] body, String stream) {
        return count(body, stream, BILLING_UNIT);
    }

    /** Counts the records of a call: each {@code "Data"} string, sized from its base64 length. */
    private int count(byte[] body, String stream, int billingUnit) {
        int records = 0;
        long bytes = 0;
        long units = 0;
        int from = 0;
        while (true) {
            int key = indexOf(body, DATA_KEY, from);
            if (key < 0) {
                break;
            }
            int start = openingQuote(body, key + DATA_KEY.length);
            int end = start;
            while (end < body.length && body[end] != '"') {
                end++;
            }
            long decoded = decodedLength(body, start, end);
            records++;
            bytes += decoded;
            units += units(decoded, billingUnit);
            from = end + 1;
        }
        return tally(stream, records, bytes, units);
    }

    private static long units(long size, int billingUnit) {
        return Math.max(1, (size + billingUnit - 1) / billingUnit);
    }

    /** Counts one call to {@code stream}: its records, their bytes and the units they bill. */
    private int tally(String stream, int records, long bytes, long units) {
        StreamStats stats = streams.computeIfAbsent(stream, s -> new StreamStats());
        stats.calls.increment();
        stats.records.add(records);
        stats.bytes.add(bytes);
        stats.billedUnits.add(units);
        stats.maxRecordsPerCall.accumulateAndGet(records, Math::max);
        if (records >= 490) {
            stats.callsOf490OrMore.increment();
        }
        return records;
    }

    private static long decodedLength(byte[] body, int start, int end) {
        int length = end - start;
        int padding = 0;
        if (length > 0 && body[end - 1] == '=') {
            padding++;
            if (length > 1 && body[end - 2] == '=') {
                padding++;
            }
        }
        return (long) length / 4 * 3 - padding;
    }

    /** The position after the opening quote of the string value that follows a key, skipping {@code : }. */
    private static int openingQuote(byte[] body, int from) {
        int i = from;
        while (i < body.length && body[i] != '"') {
            i++;
        }
        return i + 1;
    }

    private static String stringAt(byte[] body, byte[] key) {
        int at = indexOf(body, key, 0);
        if (at < 0) {
            return "?";
        }
        int start = openingQuote(body, at + key.length);
        int end = start;
        while (end < body.length && body[end] != '"') {
            end++;
        }
        return new String(body, start, end - start, StandardCharsets.UTF_8);
    }

    private static int indexOf(byte[] body, byte[] key, int from) {
        outer:
        for (int i = from; i <= body.length - key.length; i++) {
            for (int j = 0; j < key.length; j++) {
                if (body[i + j] != key[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static byte[] batchAnswer(int records) {
        StringBuilder answer = new StringBuilder(64 + records * 80)
                .append("{\"Encrypted\":false,\"FailedPutCount\":0,\"RequestResponses\":[");
        for (int i = 0; i < records; i++) {
            if (i > 0) {
                answer.append(',');
            }
            answer.append("{\"RecordId\":\"").append(RECORD_ID).append("\"}");
        }
        return answer.append("]}").toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] kinesisAnswer(int records) {
        StringBuilder answer = new StringBuilder(64 + records * 100).append("{\"FailedRecordCount\":0,\"Records\":[");
        for (int i = 0; i < records; i++) {
            if (i > 0) {
                answer.append(',');
            }
            answer.append("{\"SequenceNumber\":\"")
                    .append(SEQUENCE_NUMBER)
                    .append("\",\"ShardId\":\"shardId-00000000000")
                    .append(i % 4)
                    .append("\"}");
        }
        return answer.append("]}").toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** Sends an answer; a JSON one to a CBOR call (Kinesis's) is sent as CBOR, as the client expects. */
    private void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        if (FakeKinesisCbor.speaks(exchange.getRequestHeaders().getFirst("Content-Type"))
                && !FakeKinesisCbor.CONTENT_TYPE.equals(contentType)) {
            body = FakeKinesisCbor.fromJson(body);
            contentType = FakeKinesisCbor.CONTENT_TYPE;
        }
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("x-amzn-RequestId", Long.toString(requestIds.incrementAndGet()));
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** The counters as JSON, streams in name order. */
    String stats() {
        StringBuilder json = new StringBuilder("{\"latencyMs\":")
                .append(latencyMillis)
                .append(",\"outage\":")
                .append(outage)
                .append(",\"refused\":")
                .append(refused.sum())
                .append(",\"calls\":{");
        appendCounts(json, new TreeMap<>(calls));
        json.append("},\"streams\":{");
        boolean first = true;
        for (Map.Entry<String, StreamStats> entry : new TreeMap<>(streams).entrySet()) {
            if (!first) {
                json.append(',');
            }
            first = false;
            StreamStats s = entry.getValue();
            json.append('"')
                    .append(entry.getKey())
                    .append("\":{\"calls\":")
                    .append(s.calls.sum())
                    .append(",\"records\":")
                    .append(s.records.sum())
                    .append(",\"bytes\":")
                    .append(s.bytes.sum())
                    .append(",\"billedUnits\":")
                    .append(s.billedUnits.sum())
                    .append(",\"maxRecordsPerCall\":")
                    .append(s.maxRecordsPerCall.get())
                    .append(",\"callsOf490OrMore\":")
                    .append(s.callsOf490OrMore.sum())
                    .append(",\"events\":")
                    .append(s.events.sum())
                    .append(",\"throttled\":")
                    .append(s.throttled.sum())
                    .append(",\"shards\":{");
            String prefix = entry.getKey() + "/";
            boolean firstShard = true;
            for (Map.Entry<String, ShardStats> shard : new TreeMap<>(shards).entrySet()) {
                if (shard.getKey().startsWith(prefix)) {
                    json.append(firstShard ? "" : ",")
                            .append('"')
                            .append(shard.getKey().substring(prefix.length()))
                            .append("\":")
                            .append(shard.getValue().json());
                    firstShard = false;
                }
            }
            json.append("}}");
        }
        return json.append("}}\n").toString();
    }

    private static void appendCounts(StringBuilder json, Map<String, LongAdder> counts) {
        boolean first = true;
        for (Map.Entry<String, LongAdder> entry : counts.entrySet()) {
            if (!first) {
                json.append(',');
            }
            first = false;
            json.append('"')
                    .append(entry.getKey())
                    .append("\":")
                    .append(entry.getValue().sum());
        }
    }

    /** What one stream received. */
    private static final class StreamStats {
        final LongAdder calls = new LongAdder();
        final LongAdder records = new LongAdder();
        final LongAdder bytes = new LongAdder();
        final LongAdder billedUnits = new LongAdder();
        final AtomicLong maxRecordsPerCall = new AtomicLong();
        final LongAdder callsOf490OrMore = new LongAdder();
        final LongAdder events = new LongAdder();
        final LongAdder throttled = new LongAdder();
    }

    /** What one shard took and refused, and how much of its current second is used. */
    private static final class ShardStats {
        private long second = Long.MIN_VALUE;
        private int recordsThisSecond;
        private long bytesThisSecond;
        private long records;
        private long bytes;
        private long events;
        private long throttled;

        /** Takes a record if this second has room for it on the shard; counts it either way. */
        synchronized boolean take(long now, long size, int recordEvents) {
            if (now != second) {
                second = now;
                recordsThisSecond = 0;
                bytesThisSecond = 0;
            }
            if (recordsThisSecond + 1 > SHARD_RECORDS_PER_SECOND || bytesThisSecond + size > SHARD_BYTES_PER_SECOND) {
                throttled++;
                return false;
            }
            recordsThisSecond++;
            bytesThisSecond += size;
            records++;
            bytes += size;
            events += recordEvents;
            return true;
        }

        synchronized String json() {
            return "{\"records\":" + records + ",\"bytes\":" + bytes + ",\"events\":" + events + ",\"throttled\":"
                    + throttled + "}";
        }
    }
}
