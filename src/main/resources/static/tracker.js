// firehose-gateway's tracker: sends a page's events to the gateway, with no dependency.
//
//   import { tracker } from 'https://events.example.com/tracker.js';
//   const events = tracker({ gateway: 'https://events.example.com', key: 'BROWSER_KEY', stream: 'clicks' });
//   events.track({ type: 'page_view', path: location.pathname });
//
// Events go in batches of up to 50, every few seconds, as text/plain bodies with the key on the URL:
// a "simple" cross-origin request, which needs no preflight. Every fetch is keepalive, so it
// survives the page going away, and the pagehide or hidden page's events leave by sendBeacon. A
// browser lets a page have at most 64 KiB of such bodies in flight, so each body stays under 60 KB,
// and what does not fit while the page unloads waits in localStorage for the site's next page.
// Each event gets an id, so a batch sent again is no duplicate where the stream removes them. A 503
// is sent again after its Retry-After, a failed connection after a backoff; a 4xx never is, since
// sending the same thing again would be refused again.

const LIMIT = 60000; // bytes of keepalive bodies in flight: under the browser's 64 KiB
const encoder = new TextEncoder();

const newId = () =>
  globalThis.crypto && crypto.randomUUID
    ? crypto.randomUUID()
    : Date.now().toString(36) + '-' + Math.random().toString(36).slice(2) + Math.random().toString(36).slice(2);

export function tracker({ gateway, key, stream, batch = 50, every = 3000 }) {
  const url = gateway.replace(/\/$/, '') + (stream ? '/streams/' + encodeURIComponent(stream) : '') +
    '/events?key=' + encodeURIComponent(key);
  const stored = 'firehose-gateway:' + url;
  let queue = [];
  let inFlight = 0;
  let pausedUntil = 0;
  let backoff = 0;
  let timer = null;
  let kept = false;
  let leaving = false;

  const later = (ms) => {
    clearTimeout(timer);
    timer = setTimeout(flush, ms);
  };

  // Takes from the front of the queue as many events as fit in one body of at most `room` bytes.
  const take = (room) => {
    let size = 1;
    let count = 0;
    while (count < queue.length && count < batch && size + queue[count].size + 1 <= room) {
      size += queue[count++].size + 1;
    }
    return { events: queue.splice(0, count), size };
  };
  const body = (events) => '[' + events.map((e) => e.json).join(',') + ']';

  function send({ events, size }) {
    inFlight += size;
    fetch(url, { method: 'POST', body: body(events), keepalive: size <= LIMIT, mode: 'cors',
      credentials: 'omit', headers: { 'Content-Type': 'text/plain;charset=UTF-8' } })
      .then((response) => {
        // Chromium holds a keepalive body against the page's 64 KiB until its answer is read.
        response.arrayBuffer().catch(() => {});
        if (leaving) return;
        if (response.status === 503) {
          const seconds = parseFloat(response.headers.get('Retry-After'));
          pausedUntil = Date.now() + 1000 * (seconds >= 0 ? seconds : 1);
          queue = events.concat(queue);
        } else if (response.status >= 500) {
          retry(events);
        } else {
          backoff = 0;
        }
      }, () => retry(events))
      .finally(() => {
        inFlight -= size;
        later(Math.max(0, pausedUntil - Date.now(), backoff));
      });
  }

  function retry(events) {
    // A page being unloaded sees its keepalive requests fail, though they go on: sending them again
    // from the next page would duplicate them.
    if (leaving) return;
    backoff = Math.min(30000, backoff ? backoff * 2 : 1000);
    queue = events.concat(queue);
  }

  function flush() {
    clearTimeout(timer);
    timer = null;
    if (leaving) return;
    if (kept) {
      // The page was hidden, not closed: its queue goes from here, not from the next page.
      kept = false;
      localStorage.removeItem(stored);
    }
    if (Date.now() < pausedUntil) return later(pausedUntil - Date.now());
    while (queue.length) {
      if (queue[0].size + 2 > LIMIT) {
        // Too large for any keepalive body: sent alone, as an ordinary request.
        send({ events: queue.splice(0, 1), size: LIMIT + 1 });
        continue;
      }
      const next = take(LIMIT - inFlight);
      if (!next.events.length) break;
      send(next);
    }
    if (queue.length) later(every);
  }

  // The page may be going away: what beacons cannot take is kept for the next page.
  function leave() {
    if (kept) {
      kept = false;
      localStorage.removeItem(stored);
    }
    while (queue.length) {
      const next = take(LIMIT - inFlight);
      if (!next.events.length || !navigator.sendBeacon(url, body(next.events))) {
        queue = next.events.concat(queue);
        break;
      }
    }
    try {
      if (queue.length) {
        localStorage.setItem(stored, JSON.stringify(queue.map((e) => e.json)));
        kept = true;
      }
    } catch (e) {
      // Storage full or refused: nothing more can be done for these events.
    }
  }

  addEventListener('pagehide', () => {
    leave();
    leaving = true;
  });
  addEventListener('pageshow', (event) => {
    // Back from the back-forward cache: the page lives again.
    if (event.persisted) {
      leaving = false;
      flush();
    }
  });
  addEventListener('visibilitychange', () => document.visibilityState === 'hidden' && leave());

  function track(event) {
    const withId = event.id === undefined ? { id: newId(), ...event } : event;
    const json = JSON.stringify(withId);
    queue.push({ json, size: encoder.encode(json).length });
    if (queue.length >= batch) flush();
    else if (!timer) later(every);
    return withId.id;
  }

  try {
    const kept = JSON.parse(localStorage.getItem(stored) || '[]');
    localStorage.removeItem(stored);
    for (const json of kept) queue.push({ json, size: encoder.encode(json).length });
    if (queue.length) later(0);
  } catch (e) {
    // No storage (a sandboxed frame): nothing was kept.
  }

  return { track, flush };
}
