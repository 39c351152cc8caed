// Fancy dashboard helpers: plain modern JavaScript, no build step, no CDN.
export const STATUSES = ['PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'];

/** The API token, if the server needs one (kept for this browser tab only). */
export function token() {
  return sessionStorage.getItem('fancy.token');
}

/** Calls the API; returns {status, body}; asks once for a token on 401. */
export async function api(path, options = {}) {
  const headers = Object.assign({'Accept': 'application/json'}, options.headers || {});
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (token()) headers['Authorization'] = 'Bearer ' + token();
  const response = await fetch(path, Object.assign({}, options, {headers}));
  if (response.status === 401 && !options.retried) {
    const given = prompt('This server needs its API token:');
    if (given) {
      sessionStorage.setItem('fancy.token', given);
      return api(path, Object.assign({}, options, {retried: true}));
    }
  }
  const type = response.headers.get('Content-Type') || '';
  const body = type.includes('json') ? await response.json() : await response.text();
  return {status: response.status, body, headers: response.headers};
}

/**
 * A link that downloads {@code path} as {@code filename}. Without a token it is a plain link;
 * with one, a click fetches the file with the Authorization header (a plain link cannot send
 * it) and saves it through a blob URL.
 */
export function downloadLink(path, filename, label) {
  const link = el('a', {href: path, download: filename}, label);
  link.addEventListener('click', async event => {
    if (!token()) return;
    event.preventDefault();
    const response = await fetch(path, {headers: {'Authorization': 'Bearer ' + token()}});
    if (!response.ok) {
      link.setAttribute('data-error', String(response.status));
      link.title = 'Download failed: HTTP ' + response.status;
      return;
    }
    const url = URL.createObjectURL(await response.blob());
    const save = el('a', {href: url, download: filename});
    document.body.append(save);
    save.click();
    save.remove();
    // The click has started the download; the URL can go once the event loop moves on.
    setTimeout(() => URL.revokeObjectURL(url), 0);
  });
  return link;
}

/** A status badge: colour and the status in text. */
export function badge(status) {
  const span = document.createElement('span');
  span.className = 'badge ' + status;
  span.textContent = status;
  return span;
}

export function time(iso) {
  return iso ? new Date(iso).toLocaleTimeString() : '—';
}

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === 'text') node.textContent = value;
    else if (key.startsWith('on')) node.addEventListener(key.substring(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children) {
    if (child !== null && child !== undefined) {
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
  }
  return node;
}
