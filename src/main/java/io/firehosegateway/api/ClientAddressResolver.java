package io.firehosegateway.api;

import jakarta.servlet.http.HttpServletRequest;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/**
 * The address of the client that sent a request. It is the address the connection came from,
 * unless that is a trusted proxy ({@code gateway.trusted-proxies}): then {@code X-Forwarded-For} is
 * read from the right, past every trusted proxy, to the first address no trusted proxy vouches
 * for. Anything a client writes into the header left of that is never believed. {@code Forwarded}
 * (RFC 7239) is not read: a proxy that writes only {@code X-Forwarded-For} passes on a client's
 * {@code Forwarded} untouched, so believing it would let the client choose its address.
 */
@Component
public class ClientAddressResolver {

    static final String X_FORWARDED_FOR = "X-Forwarded-For";

    private static final Pattern PORT = Pattern.compile(":[0-9]{1,5}");

    private final TrustedProxies proxies;

    ClientAddressResolver(EdgeProperties properties) {
        this.proxies = TrustedProxies.of(properties.trustedProxies());
    }

    /** The client's address, as the trusted-proxy rules decide it. */
    public String clientAddress(HttpServletRequest request) {
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
            InetAddress hop = hopAddress(hops.get(i));
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

    /**
     * The address of a hop in the forms proxies write it: an IP literal, an IPv4 address with a port
     * ({@code 203.0.113.9:51234}), or an IPv6 address in brackets with or without a port
     * ({@code [2001:db8::1]:443}); null for anything else, so that a form read two ways is never
     * guessed at. An unbracketed IPv6 address is taken whole: its last group is no port.
     */
    private static InetAddress hopAddress(String hop) {
        String address = hop;
        String rest = "";
        if (hop.startsWith("[")) {
            int close = hop.indexOf(']');
            if (close < 0) {
                return null;
            }
            address = hop.substring(1, close);
            rest = hop.substring(close + 1);
            if (address.indexOf(':') < 0) {
                // Brackets hold IPv6 addresses only.
                return null;
            }
        } else {
            int colon = hop.indexOf(':');
            if (colon >= 0 && hop.indexOf(':', colon + 1) < 0) {
                // One colon: an IPv6 address has at least two, so this is an IPv4 address and a port.
                address = hop.substring(0, colon);
                rest = hop.substring(colon);
            }
        }
        if (!rest.isEmpty() && !(PORT.matcher(rest).matches() && Integer.parseInt(rest.substring(1)) <= 65535)) {
            return null;
        }
        return TrustedProxies.literal(address);
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
