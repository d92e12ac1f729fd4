package io.firehosegateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;

/** Whose address a request carries: the connection's, unless a trusted proxy vouches for another. */
class ClientAddressResolverTests {

    @Test
    void aPodOnAPrivateAddressCannotForgeItsAddressByDefault() {
        MockHttpServletRequest request = from("10.1.2.3", "203.0.113.9");

        assertThat(resolver().clientAddress(request)).isEqualTo("10.1.2.3");
    }

    @Test
    void aTrustedProxysForwardedAddressIsTheClients() {
        MockHttpServletRequest request = from("10.0.3.17", "203.0.113.9");

        assertThat(resolver("10.0.3.17").clientAddress(request)).isEqualTo("203.0.113.9");
    }

    @Test
    void anUntrustedPeerInsideTheClusterIsNotBelievedEvenWhenAProxyIs() {
        MockHttpServletRequest request = from("10.1.2.3", "203.0.113.9");

        assertThat(resolver("10.0.3.0/24").clientAddress(request)).isEqualTo("10.1.2.3");
    }

    @Test
    void whatAClientWritesLeftOfTheFirstUntrustedHopIsIgnored() {
        // The client sent "X-Forwarded-For: 198.51.100.1"; its load balancer and the ingress appended theirs.
        MockHttpServletRequest request = from("10.0.3.17", "198.51.100.1, 203.0.113.9, 10.0.4.5");

        assertThat(resolver("10.0.0.0/16").clientAddress(request)).isEqualTo("203.0.113.9");
    }

    @Test
    void hopsAcrossSeveralHeadersAreReadInOrder() {
        MockHttpServletRequest request = new MockHttpServletRequest();
        request.setRemoteAddr("10.0.3.17");
        request.addHeader("X-Forwarded-For", "203.0.113.9");
        request.addHeader("X-Forwarded-For", "10.0.4.5");

        assertThat(resolver("10.0.0.0/16").clientAddress(request)).isEqualTo("203.0.113.9");
    }

    @Test
    void aHopThatIsNoAddressStopsTheWalkAtTheLastTrustedProxy() {
        MockHttpServletRequest request = from("10.0.3.17", "evil.example.com, 10.0.4.5");

        assertThat(resolver("10.0.0.0/16").clientAddress(request)).isEqualTo("10.0.4.5");
    }

    @Test
    void withoutTheHeaderATrustedProxyIsItself() {
        MockHttpServletRequest request = from("10.0.3.17", null);

        assertThat(resolver("10.0.0.0/16").clientAddress(request)).isEqualTo("10.0.3.17");
    }

    @Test
    void ipv6ProxiesAndRangesWork() {
        MockHttpServletRequest request = from("fd00::17", "2001:db8::1");

        assertThat(resolver("fd00::/8").clientAddress(request)).isEqualTo("2001:db8:0:0:0:0:0:1");
    }

    @Test
    void hopsWrittenWithAPortAreTheirAddress() {
        MockHttpServletRequest request = from("10.0.3.17", "203.0.113.9:51234, 10.0.4.5:443");

        assertThat(resolver("10.0.0.0/16").clientAddress(request)).isEqualTo("203.0.113.9");
    }

    @Test
    void bracketedIpv6HopsWithOrWithoutAPortAreTheirAddress() {
        assertThat(resolver("fd00::/8").clientAddress(from("fd00::17", "[2001:db8::1]:443, [fd00::4]")))
                .isEqualTo("2001:db8:0:0:0:0:0:1");
        assertThat(resolver("fd00::/8").clientAddress(from("fd00::17", "[2001:db8::2]")))
                .isEqualTo("2001:db8:0:0:0:0:0:2");
    }

    @Test
    void aHopWithAMalformedPortOrBracketsIsNoAddress() {
        for (String hop : List.of(
                "203.0.113.9:",
                "203.0.113.9:65536",
                "203.0.113.9:8o",
                "203.0.113.9:+80",
                "203.0.113.9:1:2",
                "[203.0.113.9]:80",
                "[2001:db8::1",
                "2001:db8::1]:80",
                "[2001:db8::1]80",
                "[2001:db8::1]:",
                "[[2001:db8::1]]",
                "[fe80::1%eth0]:80")) {
            MockHttpServletRequest request = from("10.0.3.17", hop + ", 10.0.4.5");

            assertThat(resolver("10.0.0.0/16").clientAddress(request)).as(hop).isEqualTo("10.0.4.5");
        }
    }

    @Test
    void whatAClientWritesLeftOfAHopWithAPortIsStillIgnored() {
        MockHttpServletRequest request = from("10.0.3.17", "198.51.100.1:80, 203.0.113.9:1234, 10.0.4.5:80");

        assertThat(resolver("10.0.0.0/16").clientAddress(request)).isEqualTo("203.0.113.9");
    }

    @Test
    void aSettingThatIsNoAddressOrRangeFailsTheStart() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> resolver("proxy.internal"))
                .withMessageContaining("'proxy.internal'")
                .withMessageContaining("gateway.trusted-proxies");
        assertThatIllegalArgumentException().isThrownBy(() -> resolver("10.0.0.0/33"));
        assertThatIllegalArgumentException().isThrownBy(() -> resolver("300.0.0.1"));
    }

    private static MockHttpServletRequest from(String remote, String forwardedFor) {
        MockHttpServletRequest request = new MockHttpServletRequest();
        request.setRemoteAddr(remote);
        if (forwardedFor != null) {
            request.addHeader("X-Forwarded-For", forwardedFor);
        }
        return request;
    }

    private static ClientAddressResolver resolver(String... trusted) {
        return new ClientAddressResolver(new EdgeProperties(List.of(trusted), null));
    }
}
