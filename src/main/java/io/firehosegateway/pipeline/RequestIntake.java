package io.firehosegateway.pipeline;

import io.firehosegateway.event.Event;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Takes a whole request into its streams' dispatchers, whose parts may go to several streams: every
 * part's dispatcher is locked at once (in the streams' name order, so two requests never wait for
 * each other), so the parts are checked and taken as one. A request is taken whole or not at all,
 * and no part of it passes a key's bound.
 */
final class RequestIntake {

    private RequestIntake() {}

    /**
     * One request's events for one stream, with the ticket they report to and their deadline.
     *
     * @param deadlineNanos when their client stops waiting; {@link Deadlines#NO_CLIENT_WAITS} for never
     */
    record Offer(StreamDispatcher dispatcher, List<Event> events, DeliveryTicket ticket, long deadlineNanos) {}

    /**
     * Takes a whole request; the caller has reserved its room in the budget.
     *
     * @param mayRefuse whether a {@code per-key} stream may refuse the events when one of their keys
     *     has its share of the buffer waiting already; false for events that must be taken (the
     *     journal's)
     * @throws PartitionKeyBacklogException when refused; nothing of the request was taken
     */
    static void take(List<Offer> offers, boolean mayRefuse) {
        List<StreamDispatcher> dispatchers = new ArrayList<>(offers.size());
        for (Offer offer : offers) {
            if (!dispatchers.contains(offer.dispatcher())) {
                dispatchers.add(offer.dispatcher());
            }
        }
        dispatchers.sort(Comparator.comparing(StreamDispatcher::stream));
        List<StreamDispatcher.Handoff> handoffs = new ArrayList<>(dispatchers.size());
        int locked = 0;
        try {
            for (StreamDispatcher dispatcher : dispatchers) {
                dispatcher.lock();
                locked++;
            }
            List<List<PendingRecord>> records = new ArrayList<>(offers.size());
            for (Offer offer : offers) {
                StreamDispatcher dispatcher = offer.dispatcher();
                records.add(
                        dispatcher.keepsKeyOrder()
                                ? PendingRecord.singles(
                                        offer.events(),
                                        dispatcher.policy().keys(),
                                        offer.ticket(),
                                        offer.deadlineNanos())
                                : null);
            }
            if (mayRefuse) {
                for (StreamDispatcher dispatcher : dispatchers) {
                    refuseIfBackedUp(dispatcher, offers, records);
                }
            }
            for (int i = 0; i < offers.size(); i++) {
                offers.get(i).dispatcher().take(offers.get(i), records.get(i));
            }
            for (StreamDispatcher dispatcher : dispatchers) {
                handoffs.add(dispatcher.sealed());
            }
        } finally {
            for (int i = locked - 1; i >= 0; i--) {
                dispatchers.get(i).unlock();
            }
        }
        for (int i = 0; i < handoffs.size(); i++) {
            dispatchers.get(i).handOn(handoffs.get(i));
        }
    }

    /** Under the locks: refuses the request if the dispatcher's lanes cannot take its records for that stream. */
    private static void refuseIfBackedUp(
            StreamDispatcher dispatcher, List<Offer> offers, List<List<PendingRecord>> records) {
        if (!dispatcher.keepsKeyOrder()) {
            return;
        }
        List<PendingRecord> mine = null;
        for (int i = 0; i < offers.size(); i++) {
            if (offers.get(i).dispatcher() != dispatcher) {
                continue;
            }
            if (mine == null) {
                mine = records.get(i);
            } else {
                // Two parts for one stream count together against its keys' bound.
                mine = new ArrayList<>(mine);
                mine.addAll(records.get(i));
            }
        }
        if (mine != null) {
            dispatcher.refuseIfBackedUp(mine);
        }
    }
}
