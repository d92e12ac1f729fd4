package io.firehosegateway.api;

import jakarta.servlet.http.HttpServletRequest;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * The address of the client that sent a request. It is the address the connection came from,
 * unless that is a trusted proxy ({@code gateway.trusted-proxies}): then {@code X-Forwarded-For} is
 * read from the right, past every trusted proxy, to the first address no trusted proxy vouches
 * for. Anything a client writes into the header left of that is never believed.
 */
@Component
class ClientAddressResolver {

    static final String X_FORWARDED_FOR = "X-Forwarded-For";

    private final TrustedProxies proxies;

    ClientAddressResolver(EdgeProperties properties) {
        this.proxies = TrustedProxies.of(properties.trustedProxies());
    }

    String clientAddress(HttpServletRequest request) {
        String remote = request.getRemoteAddr();
        if (proxies.isEmpty()) {
            return remote;
        }
        InetAddress peer = TrustedProxies.literal(remote);
        if (peer == null || !proxies.contains(peer)) {
            return remote;
        }
        List<String> hops = forwardedFor(request);
        String client = peer.getHostAddress();
        for (int i = hops.size() - 1; i >= 0; i--) {
            InetAddress hop = TrustedProxies.literal(hops.get(i));
            if (hop == null) {
                // What a trusted proxy appends is an address: this one came from elsewhere.
                return client;
            }
            client = hop.getHostAddress();
            if (!proxies.contains(hop)) {
                return client;
            }
        }
        return client;
    }

    private static List<String> forwardedFor(HttpServletRequest request) {
        List<String> hops = new ArrayList<>();
        for (Enumeration<String> values = request.getHeaders(X_FORWARDED_FOR); values.hasMoreElements(); ) {
            for (String hop : values.nextElement().split(",")) {
                String trimmed = hop.trim();
                if (!trimmed.isEmpty()) {
                    hops.add(trimmed);
                }
            }
        }
        return hops;
    }
}
