// Logging in: send the code, sign in with it, answer the two-step verification password (SRP, via
// gramjs's computeCheck), and store the session. The CLI command drives the prompts; this module
// speaks to Telegram and turns its answers into typed LoginErrors with a clear message.
import { Api, type TelegramClient } from 'telegram';
import { computeCheck } from 'telegram/Password.js';
import type { Logger } from '../log/logger.ts';
import { type ClientConfig, createGramClient, destroyGramClient, sessionString } from './client.ts';
import { floodWaitSeconds, rpcErrorMessage } from './errors.ts';
import type { AccountInfo } from './gateway.ts';
import { idString } from './map/common.ts';
import { abortableSleep } from './pacing.ts';
import { readSession, writeSession } from './session-file.ts';

export type LoginFailure =
  | 'bad-phone'
  | 'bad-code'
  | 'code-expired'
  | 'bad-password'
  | 'password-needed'
  | 'flood-wait'
  | 'sign-up-required'
  | 'unreachable'
  | 'other';

export class LoginError extends Error {
  readonly reason: LoginFailure;
  /** For flood-wait: how long Telegram wants us to wait. */
  readonly seconds?: number;
  constructor(reason: LoginFailure, message: string, seconds?: number) {
    super(message);
    this.name = 'LoginError';
    this.reason = reason;
    this.seconds = seconds;
  }
}

export type SignInResult =
  | { readonly kind: 'signed-in'; readonly account: AccountInfo }
  | { readonly kind: 'password-needed'; readonly hint?: string };

export interface SentCode {
  readonly phoneCodeHash: string;
  /** The code went to the Telegram app rather than by SMS. */
  readonly viaApp: boolean;
  readonly length?: number;
}

function describeWait(seconds: number): string {
  if (seconds < 120) return `${seconds} seconds`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} minutes`;
  return `${Math.round(seconds / 3600)} hours`;
}

/** Telegram's answer as a LoginError with a message a person can act on. */
export function loginErrorFrom(error: unknown): LoginError {
  if (error instanceof LoginError) return error;
  const seconds = floodWaitSeconds(error);
  if (seconds !== undefined)
    return new LoginError(
      'flood-wait',
      `Telegram asks to wait ${describeWait(seconds)} (FLOOD_WAIT_${seconds}) before trying to log in again`,
      seconds,
    );
  const message = rpcErrorMessage(error);
  switch (message) {
    case 'PHONE_NUMBER_INVALID':
    case 'PHONE_NUMBER_BANNED':
      return new LoginError('bad-phone', `Telegram rejected the phone number (${message})`);
    case 'PHONE_CODE_INVALID':
    case 'PHONE_CODE_EMPTY':
      return new LoginError('bad-code', 'The login code is wrong (PHONE_CODE_INVALID)');
    case 'PHONE_CODE_EXPIRED':
    case 'PHONE_CODE_HASH_EMPTY':
      return new LoginError(
        'code-expired',
        'The login code has expired (PHONE_CODE_EXPIRED): request a new one',
      );
    case 'PASSWORD_HASH_INVALID':
      return new LoginError(
        'bad-password',
        'The two-step verification password is wrong (PASSWORD_HASH_INVALID)',
      );
    case 'SRP_ID_INVALID':
      return new LoginError('bad-password', 'The password check expired (SRP_ID_INVALID): try again');
    default:
      return new LoginError(
        'other',
        `Telegram refused the login: ${message ?? (error as Error)?.message ?? String(error)}`,
      );
  }
}

export interface LoginClientOptions {
  readonly config: ClientConfig & { readonly sessionDir: string };
  readonly logger: Logger;
  /** Connection attempts before giving up with LoginError('unreachable'). Default 5. */
  readonly connectAttempts?: number;
  /** Ignore the stored session and start with a new key (replacing a login). */
  readonly fresh?: boolean;
}

export class LoginClient {
  private readonly client: TelegramClient;
  private readonly options: LoginClientOptions;

  private constructor(client: TelegramClient, options: LoginClientOptions) {
    this.client = client;
    this.options = options;
  }

  /** Connects with the stored session when there is one (a fresh key otherwise). */
  static async open(options: LoginClientOptions): Promise<LoginClient> {
    const stored = options.fresh ? undefined : readSession(options.config.sessionDir);
    const client = createGramClient(options.config, stored ?? '', options.logger);
    const attempts = options.connectAttempts ?? 5;
    for (let attempt = 1; ; attempt++) {
      let connected = false;
      try {
        connected = await client.connect();
      } catch (error) {
        options.logger.debug({ err: error, attempt }, 'login connection attempt failed');
      }
      if (connected || client.connected) return new LoginClient(client, options);
      if (attempt >= attempts) {
        await destroyGramClient(client);
        throw new LoginError(
          'unreachable',
          `Cannot reach Telegram after ${attempts} attempts: check the network or TELEGRAM_PROXY`,
        );
      }
      await abortableSleep(500 * attempt);
    }
  }

  /** The logged-in account when the session is valid; undefined when it still has to log in. */
  async currentAccount(): Promise<AccountInfo | undefined> {
    try {
      const [me] = (await this.client.invoke(
        new Api.users.GetUsers({ id: [new Api.InputUserSelf()] }),
      )) as any[];
      return me?.className === 'User' ? accountOf(me) : undefined;
    } catch (error) {
      const message = rpcErrorMessage(error);
      if (
        message &&
        /^(AUTH_KEY_UNREGISTERED|SESSION_REVOKED|SESSION_EXPIRED|USER_DEACTIVATED.*)$/.test(message)
      )
        return undefined;
      throw loginErrorFrom(error);
    }
  }

  async sendCode(phone: string): Promise<SentCode> {
    try {
      const sent: any = await this.client.invoke(
        new Api.auth.SendCode({
          phoneNumber: phone,
          apiId: this.options.config.telegramApiId!,
          apiHash: this.options.config.telegramApiHash!,
          settings: new Api.CodeSettings({}),
        }),
      );
      if (sent.className === 'auth.SentCodeSuccess')
        throw new LoginError('other', 'Telegram logged in without a code');
      return {
        phoneCodeHash: sent.phoneCodeHash,
        viaApp: sent.type?.className === 'auth.SentCodeTypeApp',
        length: typeof sent.type?.length === 'number' ? sent.type.length : undefined,
      };
    } catch (error) {
      throw loginErrorFrom(error);
    }
  }

  async signIn(phone: string, phoneCodeHash: string, code: string): Promise<SignInResult> {
    try {
      const result: any = await this.client.invoke(
        new Api.auth.SignIn({ phoneNumber: phone, phoneCodeHash, phoneCode: code.trim() }),
      );
      if (result.className === 'auth.AuthorizationSignUpRequired')
        throw new LoginError(
          'sign-up-required',
          'This phone number has no Telegram account: sign up in a Telegram app first',
        );
      return { kind: 'signed-in', account: accountOf(result.user) };
    } catch (error) {
      if (rpcErrorMessage(error) === 'SESSION_PASSWORD_NEEDED') {
        const password: any = await this.client.invoke(new Api.account.GetPassword());
        return password.hint ? { kind: 'password-needed', hint: password.hint } : { kind: 'password-needed' };
      }
      throw loginErrorFrom(error);
    }
  }

  /** Two-step verification: a fresh SRP challenge, proved with gramjs's own computeCheck. */
  async checkPassword(password: string): Promise<AccountInfo> {
    try {
      const challenge = await this.client.invoke(new Api.account.GetPassword());
      const proof = await computeCheck(challenge, password);
      const result: any = await this.client.invoke(new Api.auth.CheckPassword({ password: proof }));
      return accountOf(result.user);
    } catch (error) {
      throw loginErrorFrom(error);
    }
  }

  /** Ends the stored session on Telegram's side (best effort: it may already be gone). */
  async logOut(): Promise<void> {
    try {
      await this.client.invoke(new Api.auth.LogOut());
    } catch (error) {
      this.options.logger.debug({ err: error }, 'logging out the old session failed');
    }
  }

  /** Whether this key can still start a login (after logOut, Telegram may have retired it). */
  async acceptsLogin(): Promise<boolean> {
    try {
      await this.client.invoke(new Api.help.GetConfig());
      return true;
    } catch (error) {
      return !/^AUTH_KEY_(INVALID|UNREGISTERED|PERM_EMPTY)$/.test(rpcErrorMessage(error) ?? '');
    }
  }

  /** Writes the (now logged-in) session to SESSION_DIR with mode 0600; returns the path. */
  saveSession(): string {
    return writeSession(this.options.config.sessionDir, sessionString(this.client));
  }

  async close(): Promise<void> {
    await destroyGramClient(this.client);
  }
}

function accountOf(user: any): AccountInfo {
  return {
    userId: idString(user.id),
    firstName: user.firstName ?? undefined,
    lastName: user.lastName ?? undefined,
    username: user.username ?? undefined,
  };
}
