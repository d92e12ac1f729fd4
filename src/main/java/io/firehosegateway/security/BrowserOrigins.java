package io.firehosegateway.security;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * The form a browser key's origin must have: exactly what a browser sends in {@code Origin}, so that
 * comparing strings is enough. A wildcard, a path or a default port written out would never match
 * any request, or would match more than meant, and is refused at start.
 */
final class BrowserOrigins {

    private BrowserOrigins() {}

    /** What is wrong with the origin, in words that do not quote it; null when it is fine. */
    static String problemWith(String origin) {
        String form = "an origin must be written as a browser sends it, scheme://host[:port] in lower case"
                + " with no wildcard, path or default port (for example https://shop.example.com)";
        if (origin == null || origin.isBlank() || origin.contains("*")) {
            return form;
        }
        URI uri;
        try {
            uri = new URI(origin);
        } catch (URISyntaxException e) {
            return form;
        }
        String scheme = uri.getScheme();
        if (scheme == null
                || !(scheme.equals("https") || scheme.equals("http"))
                || uri.getHost() == null
                || uri.getRawUserInfo() != null
                || !uri.getRawPath().isEmpty()
                || uri.getRawQuery() != null
                || uri.getRawFragment() != null) {
            return form;
        }
        int port = uri.getPort();
        boolean defaultPort = (scheme.equals("https") && port == 443) || (scheme.equals("http") && port == 80);
        String serialized = scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (port == -1 ? "" : ":" + port);
        return defaultPort || !serialized.equals(origin) ? form : null;
    }
}
