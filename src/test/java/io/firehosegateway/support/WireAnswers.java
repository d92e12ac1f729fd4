package io.firehosegateway.support;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.regex.Pattern;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * For differential tests of two gateways in one JVM: a request sent as raw bytes, its answer read
 * as it came over the wire, and what of it may differ between the two (the date, the ids the
 * gateway makes) left out.
 */
public final class WireAnswers {

    private static final Pattern DATE = Pattern.compile("(?m)^Date: [^\r\n]*\r\n");
    private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private WireAnswers() {}

    /** The whole answer to a request that asks the server to close the connection after it. */
    public static String exchange(int port, byte[] request) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 30_000);
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(request);
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The answer with the date and the ids the gateway made left out. */
    public static String comparable(String answer) {
        return withoutIds(DATE.matcher(answer).replaceFirst(""));
    }

    /** The records the gateway's {@link RecordingSink} took, with the ids it made left out. */
    public static List<String> delivered(ConfigurableApplicationContext gateway) {
        return gateway.getBean(RecordingSink.class).records().stream()
                .map(WireAnswers::withoutIds)
                .toList();
    }

    public static int port(ConfigurableApplicationContext gateway) {
        return Integer.parseInt(gateway.getEnvironment().getRequiredProperty("local.server.port"));
    }

    private static String withoutIds(String text) {
        return UUID.matcher(text).replaceAll("<uuid>");
    }
}
