// The one rule about exposure: a viewer reachable beyond this machine must ask for credentials,
// unless the operator says in so many words that anonymous access is intended.
import { isIP } from 'node:net';
import { type AuthSettings, authEnabled } from './auth.ts';

export class UnsafeBindingError extends Error {
  readonly host: string;
  constructor(host: string) {
    super(
      `Refusing to serve the archive on ${host} without authentication: anyone who can reach that address could read every message. ` +
        'Set VIEWER_TOKEN (16+ characters) or VIEWER_BASIC_AUTH=user:password, bind to 127.0.0.1 with VIEWER_HOST, ' +
        'or set ALLOW_ANONYMOUS_VIEWER=true if a proxy in front of it already authenticates.',
    );
    this.name = 'UnsafeBindingError';
    this.host = host;
  }
}

/** True for addresses only this machine can reach: 127.0.0.0/8, ::1 and localhost. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const lower = bare.toLowerCase();
  if (lower === 'localhost' || lower.endsWith('.localhost')) return true;
  if (isIP(lower) === 4) return lower.startsWith('127.');
  if (isIP(lower) === 6) {
    if (lower === '::1' || /^(0{1,4}:){7}0{0,3}1$/.test(lower)) return true;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
    return mapped !== null && mapped[1]!.startsWith('127.');
  }
  return false;
}

export function assertSafeBinding(host: string, auth: AuthSettings, allowAnonymous: boolean): void {
  if (authEnabled(auth) || allowAnonymous || isLoopbackHost(host)) return;
  throw new UnsafeBindingError(host);
}
