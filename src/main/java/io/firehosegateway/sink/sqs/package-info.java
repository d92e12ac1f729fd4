/**
 * Amazon SQS as the sink: the one {@code SqsAsyncClient}, queue URLs looked up by name, the
 * {@code SendMessageBatch} call with its entries keyed by id, FIFO group and deduplication ids mapped
 * into SQS's alphabet, bodies kept within XML's characters, the classification of failures and the
 * health of each queue's lookup.
 */
package io.firehosegateway.sink.sqs;
