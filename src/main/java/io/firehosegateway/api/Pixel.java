package io.firehosegateway.api;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Base64;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/**
 * The pixel's answer: the smallest transparent GIF (1×1, 43 bytes), never cached, so that each view
 * of a page or an e-mail asks again. It is the same whatever became of the event: an image cannot
 * show a problem to anyone, so refusals are counted and logged instead.
 */
public final class Pixel {

    /** The path a pixel is asked for at. */
    public static final String PATH = "/streams/{stream}/pixel";

    private static final byte[] GIF =
            Base64.getDecoder().decode("R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==");

    private static final MediaType IMAGE_GIF = MediaType.IMAGE_GIF;

    private Pixel() {}

    static ResponseEntity<byte[]> answer() {
        return ResponseEntity.ok()
                .contentType(IMAGE_GIF)
                .cacheControl(CacheControl.noStore())
                .body(GIF.clone());
    }

    /** Writes the pixel over whatever the response held: its status, headers of its own, and body. */
    public static void write(HttpServletResponse response) throws IOException {
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(IMAGE_GIF.toString());
        response.setHeader(HttpHeaders.CACHE_CONTROL, CacheControl.noStore().getHeaderValue());
        response.setContentLength(GIF.length);
        response.getOutputStream().write(GIF);
    }

    static int length() {
        return GIF.length;
    }
}
