// Calls to grid110's API. A signed-in staff member's session token lives in
// localStorage and goes with every call as a bearer token.

const TOKEN = 'grid110.token';
const USER = 'grid110.user';

/** The signed-in staff member, or null. */
export function currentUser() {
  try {
    const exp = localStorage.getItem(TOKEN + '.expires');
    if (exp && Date.parse(exp) < Date.now()) {
      signOutLocally();
      return null;
    }
    const u = localStorage.getItem(USER);
    return u && localStorage.getItem(TOKEN) ? JSON.parse(u) : null;
  } catch {
    return null;
  }
}

export function token() {
  return localStorage.getItem(TOKEN) || '';
}

/** Keeps a session from POST /api/v1/auth/login. */
export function keepSession(login) {
  localStorage.setItem(TOKEN, login.token);
  localStorage.setItem(TOKEN + '.expires', login.expires_at || '');
  localStorage.setItem(USER, JSON.stringify(login.user));
}

export function signOutLocally() {
  localStorage.removeItem(TOKEN);
  localStorage.removeItem(TOKEN + '.expires');
  localStorage.removeItem(USER);
}

/** ApiError carries the status and the server's {"error", "field"} body. */
export class ApiError extends Error {
  constructor(status, body) {
    super(body?.error || `HTTP ${status}`);
    this.status = status;
    this.body = body || {};
    this.field = body?.field || '';
  }
}

/**
 * api fetches path and decodes JSON. A JSON body is sent for plain
 * objects; FormData goes as it is. Throws ApiError for 4xx/5xx and
 * TypeError when the network fails.
 */
export async function api(path, { method = 'GET', body, headers = {}, signal } = {}) {
  const h = { Accept: 'application/json', ...headers };
  const t = token();
  if (t) h.Authorization = 'Bearer ' + t;
  let payload = body;
  if (body && !(body instanceof FormData) && typeof body === 'object') {
    h['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const resp = await fetch(path, { method, headers: h, body: payload, signal });
  if (resp.status === 401 && t) {
    // The session ended (expired, revoked, or signed out elsewhere), and the
    // server refuses wrong credentials everywhere: forget it and ask again
    // as anonymous, which is enough for the public parts.
    signOutLocally();
    return api(path, { method, body, headers, signal });
  }
  if (resp.status === 204) return null;
  const text = await resp.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = { error: text.slice(0, 200) };
  }
  if (!resp.ok) throw new ApiError(resp.status, data);
  return data;
}

/** Query string from an object, leaving out empty values. */
export function qs(params) {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') u.set(k, Array.isArray(v) ? v.join(',') : String(v));
  }
  const s = u.toString();
  return s ? '?' + s : '';
}
