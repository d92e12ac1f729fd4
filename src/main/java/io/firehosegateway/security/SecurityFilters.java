package io.firehosegateway.security;

/**
 * The parts of the security checks that the filter chain and {@link EventPathFilter} share: one
 * rate limit's buckets and one beacon log, whichever of the two a request goes through.
 */
record SecurityFilters(
        ClientAccess access,
        BrowserCors cors,
        SecurityProblems problems,
        BeaconOutcomeFilter beacon,
        RateLimitFilter rateLimit) {}
