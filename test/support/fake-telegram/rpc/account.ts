// help.getConfig, users.getUsers and the login calls: auth.sendCode, auth.signIn, account.getPassword
// and auth.checkPassword with real SRP, so a login against the fake runs the client's real code path.
import { Api } from 'telegram';
import { type FakeTelegramServer, rpcFail } from '../server.ts';
import {
  createChallenge,
  createSrpPassword,
  SRP_G,
  SRP_PRIME,
  type SrpChallenge,
  type SrpPassword,
  verifyProof,
} from '../srp.ts';
import { big, DC_ID, toBigint, userObject } from '../tl.ts';
import type { World } from '../world.ts';
import { resolveInputUser } from './peers.ts';

interface IssuedCode {
  readonly phone: string;
  readonly code: string;
  readonly expiresAt: number;
}

/** The login desk: codes handed out, their expiry, and the SRP state of the account's password. */
export class LoginDesk {
  /** The code the next auth.sendCode "delivers". */
  nextCode = '12345';
  codeLifetimeMs = 5 * 60_000;
  private readonly codes = new Map<string, IssuedCode>();
  private readonly challenges = new Map<string, SrpChallenge>();
  private srp: { password: string; record: SrpPassword } | undefined;
  private counter = 0;

  issue(phone: string, now: number): string {
    const hash = `hash${++this.counter}`;
    this.codes.set(hash, { phone, code: this.nextCode, expiresAt: now + this.codeLifetimeMs });
    return hash;
  }

  /** Every code handed out so far expires now. */
  expireCodes(): void {
    for (const [hash, issued] of this.codes) this.codes.set(hash, { ...issued, expiresAt: 0 });
  }

  code(hash: string): IssuedCode | undefined {
    return this.codes.get(hash);
  }

  consume(hash: string): void {
    this.codes.delete(hash);
  }

  passwordRecord(password: string): SrpPassword {
    if (this.srp?.password !== password) this.srp = { password, record: createSrpPassword(password) };
    return this.srp.record;
  }

  challenge(password: SrpPassword): SrpChallenge {
    const challenge = createChallenge(password);
    this.challenges.set(challenge.srpId.toString(), challenge);
    return challenge;
  }

  takeChallenge(srpId: bigint): SrpChallenge | undefined {
    const challenge = this.challenges.get(srpId.toString());
    this.challenges.delete(srpId.toString());
    return challenge;
  }
}

const digits = (phone: string) => phone.replace(/[^0-9]/g, '');

export function config(port: number, now: number): Api.Config {
  const n = 1000; // filler for the many required limits nobody reads here
  return new Api.Config({
    date: now,
    expires: now + 3600,
    testMode: false,
    thisDc: DC_ID,
    dcOptions: [new Api.DcOption({ id: DC_ID, ipAddress: '127.0.0.1', port })],
    dcTxtDomainName: 'fake.invalid',
    chatSizeMax: n,
    megagroupSizeMax: n,
    forwardedCountMax: n,
    onlineUpdatePeriodMs: n,
    offlineBlurTimeoutMs: n,
    offlineIdleTimeoutMs: n,
    onlineCloudTimeoutMs: n,
    notifyCloudDelayMs: n,
    notifyDefaultDelayMs: n,
    pushChatPeriodMs: n,
    pushChatLimit: n,
    editTimeLimit: n,
    revokeTimeLimit: n,
    revokePmTimeLimit: n,
    ratingEDecay: n,
    stickersRecentLimit: n,
    channelsReadMediaPeriod: n,
    callReceiveTimeoutMs: n,
    callRingTimeoutMs: n,
    callConnectTimeoutMs: n,
    callPacketTimeoutMs: n,
    meUrlPrefix: 'https://t.me/',
    captionLengthMax: n,
    messageLengthMax: 4096,
    webfileDcId: DC_ID,
  });
}

export function installAccount(server: FakeTelegramServer, world: World, desk: LoginDesk): void {
  server.on('help.GetConfig', () => config(server.port, world.now()));
  server.on('help.GetNearestDc', () => new Api.NearestDc({ country: 'ZZ', thisDc: DC_ID, nearestDc: DC_ID }));

  server.on('users.GetUsers', (request: Api.users.GetUsers) =>
    request.id.flatMap((input: any) => {
      const user = resolveInputUser(world, input);
      return user ? [userObject(user)] : [];
    }),
  );

  server.on('auth.SendCode', (request: Api.auth.SendCode) => {
    if (!request.apiId || !request.apiHash) rpcFail(400, 'API_ID_INVALID');
    if (digits(request.phoneNumber) !== digits(world.account.phone)) rpcFail(400, 'PHONE_NUMBER_INVALID');
    return new Api.auth.SentCode({
      type: new Api.auth.SentCodeTypeApp({ length: desk.nextCode.length }),
      phoneCodeHash: desk.issue(digits(request.phoneNumber), Date.now()),
      timeout: 60,
    });
  });

  server.on('auth.SignIn', (request: Api.auth.SignIn, { authKey }) => {
    if (!request.phoneCodeHash) rpcFail(400, 'PHONE_CODE_HASH_EMPTY');
    const issued = desk.code(request.phoneCodeHash);
    if (!issued || issued.phone !== digits(request.phoneNumber)) return rpcFail(400, 'PHONE_CODE_EXPIRED');
    if (!request.phoneCode) rpcFail(400, 'PHONE_CODE_EMPTY');
    if (Date.now() > issued.expiresAt) return rpcFail(400, 'PHONE_CODE_EXPIRED');
    if (request.phoneCode !== issued.code) return rpcFail(400, 'PHONE_CODE_INVALID');
    desk.consume(request.phoneCodeHash);
    if (world.account.password !== undefined) {
      authKey.awaitingPassword = true;
      return rpcFail(401, 'SESSION_PASSWORD_NEEDED');
    }
    authKey.authorized = true;
    return new Api.auth.Authorization({ user: userObject(world.me) });
  });

  server.on('account.GetPassword', () => {
    const password = world.account.password;
    const newAlgo = new Api.PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow({
      salt1: Buffer.alloc(8, 1),
      salt2: Buffer.alloc(16, 2),
      g: SRP_G,
      p: SRP_PRIME,
    });
    const common = {
      newAlgo,
      newSecureAlgo: new Api.SecurePasswordKdfAlgoUnknown(),
      secureRandom: Buffer.alloc(32),
    };
    if (password === undefined) return new Api.account.Password({ ...common, hasPassword: false });
    const record = desk.passwordRecord(password);
    const challenge = desk.challenge(record);
    return new Api.account.Password({
      ...common,
      hasPassword: true,
      hint: world.account.passwordHint,
      currentAlgo: new Api.PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow({
        salt1: record.salt1,
        salt2: record.salt2,
        g: SRP_G,
        p: SRP_PRIME,
      }),
      srp_B: challenge.B,
      srpId: big(challenge.srpId),
    });
  });

  server.on('auth.CheckPassword', (request: Api.auth.CheckPassword, { authKey }) => {
    const check: any = request.password;
    if (!(check instanceof Api.InputCheckPasswordSRP)) return rpcFail(400, 'PASSWORD_HASH_INVALID');
    const password = world.account.password;
    if (password === undefined) return rpcFail(400, 'PASSWORD_EMPTY');
    const challenge = desk.takeChallenge(toBigint(check.srpId));
    if (!challenge) return rpcFail(400, 'SRP_ID_INVALID');
    if (!verifyProof(desk.passwordRecord(password), challenge, Buffer.from(check.A), Buffer.from(check.M1)))
      return rpcFail(400, 'PASSWORD_HASH_INVALID');
    authKey.awaitingPassword = false;
    authKey.authorized = true;
    return new Api.auth.Authorization({ user: userObject(world.me) });
  });

  server.on('auth.LogOut', (_request: unknown, { authKey }) => {
    server.revokeAuthKey(authKey);
    return new Api.auth.LoggedOut({});
  });
}
