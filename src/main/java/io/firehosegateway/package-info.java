/**
 * The application: its entry point ({@code GatewayApplication}) and what checks its settings before
 * anything starts: a key under {@code gateway.*} that no setting reads fails the start
 * ({@code UnknownSettings}), and a renamed setting is still read under its old name with a warning
 * ({@code RenamedProperties}). The features live in the packages below; nothing here depends on
 * them, nor they on it.
 */
package io.firehosegateway;
