/**
 * The problems the gateway answers (RFC 9457): every {@code type} it sends, with its status and
 * title, the exceptions that carry one out of a controller or a filter, and the strict reading of
 * query parameters that refuses with one. Shared by the api, security and the generator so each
 * answers its refusals the same way without depending on the others; the api's handler turns them
 * into answers. Depends on nothing else of the gateway.
 */
package io.firehosegateway.problem;
