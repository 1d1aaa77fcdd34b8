// Sending a report over a poor connection. One Idempotency-Key is made per
// version of the report (main.js) and sent with every attempt, so a retry after a lost answer gets
// the report the first attempt stored (Idempotent-Replayed), never a
// second one. Network failures and server trouble (5xx, 408, 429) are
// retried with growing pauses; mistakes in the report (other 4xx) are not.
import { ApiError } from '../shared/api.js';

export const RETRY_DELAYS_MS = [1000, 2000, 4000, 8000, 15000, 30000];

/** newKey is a random key; crypto.randomUUID needs a secure context, this does not. */
export function newKey() {
  const b = crypto.getRandomValues(new Uint8Array(16));
  return 'r-' + Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

function retryable(err) {
  return !(err instanceof ApiError) || err.status >= 500 || err.status === 408 || err.status === 429;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** waitOnline resolves when the browser believes it is online again. */
function waitOnline() {
  if (navigator.onLine !== false) return Promise.resolve();
  return new Promise((resolve) => window.addEventListener('online', resolve, { once: true }));
}

async function postOnce(body, key) {
  const headers = { Accept: 'application/json', 'Idempotency-Key': key };
  let payload = body;
  if (!(body instanceof FormData)) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const resp = await fetch('/api/v1/reports', { method: 'POST', headers, body: payload });
  const text = await resp.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = { error: text.slice(0, 200) };
  }
  if (!resp.ok) throw new ApiError(resp.status, data);
  return { report: data, replayed: resp.headers.get('Idempotent-Replayed') === 'true' };
}

/**
 * submitReport sends body (a report object or a FormData) with key,
 * retrying as above. onRetry(n, err) is told before each new attempt.
 */
export async function submitReport(body, key, onRetry = () => {}) {
  for (let attempt = 0; ; attempt++) {
    try {
      await waitOnline();
      return await postOnce(body, key);
    } catch (err) {
      if (!retryable(err) || attempt >= RETRY_DELAYS_MS.length) throw err;
      onRetry(attempt + 1, err);
      await sleep(RETRY_DELAYS_MS[attempt]);
    }
  }
}
