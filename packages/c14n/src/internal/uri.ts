// Minimal RFC 3986 reference resolution (§5.2) for the xml:base fix-up of Canonical XML 1.1 §2.4.

const URI_RE = /^(?:([A-Za-z][A-Za-z0-9+.-]*):)?(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/s;

interface Parts {
  scheme?: string;
  authority?: string;
  path: string;
  query?: string;
  fragment?: string;
}

function split(u: string): Parts {
  const m = URI_RE.exec(u)!;
  const p: Parts = { path: m[3] ?? '' };
  if (m[1] !== undefined) p.scheme = m[1];
  if (m[2] !== undefined) p.authority = m[2];
  if (m[4] !== undefined) p.query = m[4];
  if (m[5] !== undefined) p.fragment = m[5];
  return p;
}

/** True when `u` has a scheme (an absolute URI or an absolute URI with a fragment). */
export function hasScheme(u: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]*:/.test(u);
}

/** RFC 3986 §5.2.4 remove_dot_segments. */
export function removeDotSegments(path: string): string {
  let input = path;
  const out: string[] = [];
  while (input.length > 0) {
    if (input.startsWith('../')) input = input.slice(3);
    else if (input.startsWith('./')) input = input.slice(2);
    else if (input.startsWith('/./')) input = input.slice(2);
    else if (input === '/.') input = '/';
    else if (input.startsWith('/../')) {
      input = input.slice(3);
      out.pop();
    } else if (input === '/..') {
      input = '/';
      out.pop();
    } else if (input === '.' || input === '..') input = '';
    else {
      const start = input.startsWith('/') ? 1 : 0;
      const next = input.indexOf('/', start);
      const seg = next < 0 ? input : input.slice(0, next);
      out.push(seg);
      input = next < 0 ? '' : input.slice(next);
    }
  }
  return out.join('');
}

/** RFC 3986 §5.2.2: resolve `ref` against `base` (which may itself be relative). */
export function resolveUri(base: string, ref: string): string {
  const r = split(ref);
  const b = split(base);
  const t: Parts = { path: '' };
  if (r.scheme !== undefined) {
    t.scheme = r.scheme;
    if (r.authority !== undefined) t.authority = r.authority;
    t.path = removeDotSegments(r.path);
    if (r.query !== undefined) t.query = r.query;
  } else {
    if (r.authority !== undefined) {
      t.authority = r.authority;
      t.path = removeDotSegments(r.path);
      if (r.query !== undefined) t.query = r.query;
    } else {
      if (r.path === '') {
        t.path = b.path;
        if (r.query !== undefined) t.query = r.query;
        else if (b.query !== undefined) t.query = b.query;
      } else {
        if (r.path.startsWith('/')) t.path = removeDotSegments(r.path);
        else {
          let merged: string;
          if (b.authority !== undefined && b.path === '') merged = '/' + r.path;
          else {
            const i = b.path.lastIndexOf('/');
            merged = (i >= 0 ? b.path.slice(0, i + 1) : '') + r.path;
          }
          t.path = b.scheme === undefined && b.authority === undefined && !merged.startsWith('/') ? removeRelativeDots(merged) : removeDotSegments(merged);
        }
        if (r.query !== undefined) t.query = r.query;
      }
      if (b.authority !== undefined) t.authority = b.authority;
    }
    if (b.scheme !== undefined) t.scheme = b.scheme;
  }
  if (r.fragment !== undefined) t.fragment = r.fragment;
  let s = '';
  if (t.scheme !== undefined) s += t.scheme + ':';
  if (t.authority !== undefined) s += '//' + t.authority;
  s += t.path;
  if (t.query !== undefined) s += '?' + t.query;
  if (t.fragment !== undefined) s += '#' + t.fragment;
  return s;
}

/**
 * Dot-segment removal for a relative path whose base is relative too (C14N 1.1 §2.4 keeps leading
 * ".." segments that cannot be resolved instead of dropping them).
 */
function removeRelativeDots(path: string): string {
  const segs = path.split('/');
  const out: string[] = [];
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i]!;
    const last = i === segs.length - 1;
    if (s === '.') {
      if (last) out.push('');
      continue;
    }
    if (s === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else out.push('..');
      if (last) out.push('');
      continue;
    }
    out.push(s);
  }
  return out.join('/');
}
