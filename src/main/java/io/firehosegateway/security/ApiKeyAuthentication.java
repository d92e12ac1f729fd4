package io.firehosegateway.security;

import java.util.List;
import java.util.Optional;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;

/** A request authenticated by an API key; it holds the key's client, never the key. */
final class ApiKeyAuthentication extends AbstractAuthenticationToken {

    /**
     * The authority to read health's components and details ({@code management.endpoint.health.roles}
     * in {@code application.yml}). Only a client that may send to every stream holds it: the details
     * name every stream and how its delivery goes, which a key limited to some streams has no need of.
     */
    static final String HEALTH_DETAILS = "health-details";

    private final ApiClient client;

    ApiKeyAuthentication(ApiClient client) {
        super(
                client.streams().isEmpty() && !client.browser()
                        ? List.of(new SimpleGrantedAuthority(HEALTH_DETAILS))
                        : List.of());
        this.client = client;
        setAuthenticated(true);
    }

    ApiClient client() {
        return client;
    }

    /** The client of the request being handled, if an API key authenticated it. */
    static Optional<ApiClient> current() {
        return SecurityContextHolder.getContextHolderStrategy().getContext().getAuthentication()
                        instanceof ApiKeyAuthentication key
                ? Optional.of(key.client)
                : Optional.empty();
    }

    @Override
    public Object getCredentials() {
        return null;
    }

    @Override
    public Object getPrincipal() {
        return client;
    }

    @Override
    public String getName() {
        return client.name();
    }
}
