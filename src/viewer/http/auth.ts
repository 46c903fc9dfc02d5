// Who may talk to the viewer: a bearer token, basic auth credentials, or both. Secrets are compared
// in constant time over their SHA-256 digests, so neither content nor length leaks through timing.
import { createHash, timingSafeEqual } from 'node:crypto';

export interface AuthSettings {
  /** Accepted as `Authorization: Bearer <token>`. */
  readonly token?: string;
  /** `user:password`, accepted as `Authorization: Basic base64(user:password)`. */
  readonly basic?: string;
}

export type AuthDecision = { readonly ok: true } | { readonly ok: false; readonly challenge: string };

export const authEnabled = (settings: AuthSettings): boolean =>
  settings.token !== undefined || settings.basic !== undefined;

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/** Constant-time equality of two secrets of any length. */
export function secretEquals(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * Checks an Authorization header against the configured secrets. Without any secret configured
 * everything is allowed; the binding policy decides whether that is acceptable at all.
 */
export function authorize(header: string | null | undefined, settings: AuthSettings): AuthDecision {
  if (!authEnabled(settings)) return { ok: true };
  const challenge =
    settings.basic !== undefined ? 'Basic realm="telegram-archive", charset="UTF-8"' : 'Bearer';
  if (!header) return { ok: false, challenge };
  const space = header.indexOf(' ');
  const scheme = (space < 0 ? header : header.slice(0, space)).toLowerCase();
  const credentials = space < 0 ? '' : header.slice(space + 1).trim();
  // Both comparisons always run so that the scheme in use cannot be told apart by timing.
  const tokenOk =
    settings.token !== undefined && scheme === 'bearer' && secretEquals(credentials, settings.token);
  const basicOk =
    settings.basic !== undefined &&
    scheme === 'basic' &&
    secretEquals(decodeBasic(credentials), settings.basic);
  return tokenOk || basicOk ? { ok: true } : { ok: false, challenge };
}

function decodeBasic(credentials: string): string {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(credentials)) return '';
  return Buffer.from(credentials, 'base64').toString('utf8');
}
