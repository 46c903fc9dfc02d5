// Scripted misbehaviour: answer a method with an RPC error (FLOOD_WAIT_n, FILE_REFERENCE_EXPIRED…),
// never answer it, or drop the connection when it arrives. Rules are consumed in the order they were
// added; `method: '*'` matches every method.

export type FaultAction =
  | { readonly kind: 'error'; readonly code: number; readonly message: string }
  | { readonly kind: 'hang' }
  | { readonly kind: 'drop' };

interface FaultRule {
  readonly method: string;
  readonly action: FaultAction;
  remaining: number;
}

/** Telegram's error codes for the messages tests use most; anything else is a 400. */
export function errorCodeFor(message: string): number {
  if (/^FLOOD_WAIT_\d+$/.test(message) || /^FLOOD_PREMIUM_WAIT_\d+$/.test(message)) return 420;
  if (/^(AUTH_KEY_UNREGISTERED|SESSION_PASSWORD_NEEDED|SESSION_REVOKED|AUTH_KEY_INVALID)$/.test(message))
    return 401;
  if (/^(PHONE|NETWORK|USER|FILE)_MIGRATE_\d+$/.test(message)) return 303;
  if (message === 'INTERNAL' || message === 'RPC_CALL_FAIL') return 500;
  return 400;
}

export class Faults {
  private readonly rules: FaultRule[] = [];

  /** The next `times` calls of `method` fail with this RPC error (code derived from the message). */
  failNext(method: string, message: string, options: { times?: number; code?: number } = {}): this {
    const code = options.code ?? errorCodeFor(message);
    this.rules.push({ method, action: { kind: 'error', code, message }, remaining: options.times ?? 1 });
    return this;
  }

  /** The next `times` calls of `method` are never answered (the client's request hangs). */
  hangNext(method: string, options: { times?: number } = {}): this {
    this.rules.push({ method, action: { kind: 'hang' }, remaining: options.times ?? 1 });
    return this;
  }

  /** The connection that sends the next `times` calls of `method` is closed without an answer. */
  dropOn(method: string, options: { times?: number } = {}): this {
    this.rules.push({ method, action: { kind: 'drop' }, remaining: options.times ?? 1 });
    return this;
  }

  clear(): void {
    this.rules.length = 0;
  }

  /** How many scripted faults are still waiting to happen. */
  get pending(): number {
    return this.rules.reduce((sum, rule) => sum + rule.remaining, 0);
  }

  /** Consumes and returns the fault for this call, if one is scripted. */
  take(method: string): FaultAction | undefined {
    const index = this.rules.findIndex((rule) => rule.method === method || rule.method === '*');
    if (index < 0) return undefined;
    const rule = this.rules[index]!;
    rule.remaining -= 1;
    if (rule.remaining <= 0) this.rules.splice(index, 1);
    return rule.action;
  }
}
