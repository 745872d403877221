import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const TOKEN_COOKIE = 'steper_token';

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

/**
 * The token a request carries: `Authorization: Bearer …` (API clients), the cookie set when the
 * browser first opened `/?token=…` (the web app and its SSE streams), or that query parameter.
 */
export function presentedToken(req: IncomingMessage, url: URL): string | undefined {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim();
  return cookie(req, TOKEN_COOKIE) ?? url.searchParams.get('token') ?? undefined;
}

export function tokenMatches(req: IncomingMessage, url: URL, token: string): boolean {
  const given = presentedToken(req, url);
  return given !== undefined && equal(given, token);
}

/**
 * On loopback, a browser page from elsewhere could reach us by DNS rebinding; such a request
 * carries a foreign Host header, so only loopback names are accepted.
 */
export function loopbackHostAllowed(req: IncomingMessage): boolean {
  const host = (req.headers.host ?? '').replace(/:\d+$/, '');
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
