package io.firehosegateway.api;

import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.net.URISyntaxException;
import org.springframework.http.HttpHeaders;

/**
 * The origin of the page a request came from, as the browser tells it: what ties a browser key to
 * its pages and what the {@code origin} metadata fact records. It is the page's origin only, never
 * its path or query, which may carry a key ({@code ?key=}) or a visitor's data.
 */
public final class PageOrigin {

    private PageOrigin() {}

    /** The request's {@code Origin} header as it was sent; null without one. */
    static String of(HttpServletRequest request) {
        return request.getHeader(HttpHeaders.ORIGIN);
    }

    /**
     * For an image request, as the pixel: a browser sends no {@code Origin} with one, so the origin
     * is read from its {@code Referer} when there is none (a browser sends at least the page's origin
     * there by default); null with neither, or a {@code Referer} that names no scheme and host.
     */
    public static String ofImageRequest(HttpServletRequest request) {
        String origin = of(request);
        if (origin != null) {
            return origin;
        }
        String referer = request.getHeader(HttpHeaders.REFERER);
        if (referer == null) {
            return null;
        }
        try {
            URI uri = new URI(referer);
            if (uri.getScheme() == null || uri.getHost() == null) {
                return null;
            }
            return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() == -1 ? "" : ":" + uri.getPort());
        } catch (URISyntaxException e) {
            return null;
        }
    }
}
