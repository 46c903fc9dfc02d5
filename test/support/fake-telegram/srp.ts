// The server side of Telegram's two-step verification (SRP-2048 with the PH2 password hash), so the
// client's real account.getPassword -> computeCheck -> auth.checkPassword path runs unchanged.
// Reference: core.telegram.org/api/srp.
import { createHash, pbkdf2Sync, randomBytes } from 'node:crypto';

/** Telegram's 2048-bit safe prime with generator 3; clients refuse any other. */
const PRIME_HEX =
  'c71caeb9c6b1c9048e6c522f70f13f73980d40238e3e21c14934d037563d930f48198a0aa7c14058229493d22530f4db' +
  'fa336f6e0ac925139543aed44cce7c3720fd51f69458705ac68cd4fe6b6b13abdc9746512969328454f18faf8c595f64' +
  '2477fe96bb2a941d5bcd1d4ac8cc49880708fa9b378e3c4f3a9060bee67cf9a4a4a695811051907e162753b56b0f6b41' +
  '0dba74d8a84b2a14b3144e0ef1284754fd17ed950d5965b4b9dd46582db1178d169c6bc465b0d6ff9ca3928fef5b9ae4' +
  'e418fc15e83ebea0f87fa9ff5eed70050ded2849f47bf959d956850ce929851f0d8115f635b105ee2e4e15d04b2454bf' +
  '6f4fadf034b10403119cd8e3b92fcc5b';
export const SRP_PRIME = Buffer.from(PRIME_HEX, 'hex');
export const SRP_G = 3;

const P = BigInt(`0x${PRIME_HEX}`);
const G = BigInt(SRP_G);
const SIZE = 256;

const sha256 = (...parts: Buffer[]): Buffer => createHash('sha256').update(Buffer.concat(parts)).digest();
const toBig = (bytes: Buffer): bigint => (bytes.length === 0 ? 0n : BigInt(`0x${bytes.toString('hex')}`));
const toBytes = (n: bigint): Buffer => Buffer.from(n.toString(16).padStart(SIZE * 2, '0'), 'hex');

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = base % modulus;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
    e >>= 1n;
  }
  return result;
}

/** PH2(password, salt1, salt2) from the SRP description. */
function passwordHash(password: string, salt1: Buffer, salt2: Buffer): Buffer {
  const sh = (data: Buffer, salt: Buffer) => sha256(salt, data, salt);
  const ph1 = sh(sh(Buffer.from(password, 'utf8'), salt1), salt2);
  return sh(pbkdf2Sync(ph1, salt1, 100_000, 64, 'sha512'), salt2);
}

export interface SrpPassword {
  readonly salt1: Buffer;
  readonly salt2: Buffer;
  /** Verifier v = g^x mod p: what a server stores instead of the password. */
  readonly verifier: bigint;
}

export interface SrpChallenge {
  readonly srpId: bigint;
  readonly B: Buffer;
  readonly b: bigint;
}

export function createSrpPassword(password: string): SrpPassword {
  const salt1 = randomBytes(40);
  const salt2 = randomBytes(16);
  const x = toBig(passwordHash(password, salt1, salt2));
  return { salt1, salt2, verifier: modPow(G, x, P) };
}

const k = toBig(sha256(SRP_PRIME, toBytes(G)));

/** A fresh server challenge for account.getPassword: B = k*v + g^b mod p. */
export function createChallenge(password: SrpPassword): SrpChallenge {
  const b = toBig(randomBytes(SIZE)) % P;
  const B = (k * password.verifier + modPow(G, b, P)) % P;
  return { srpId: toBig(randomBytes(8)) & 0x7fffffffffffffffn, B: toBytes(B), b };
}

/** Checks the client's A and M1 against the challenge: true when the password was right. */
export function verifyProof(password: SrpPassword, challenge: SrpChallenge, A: Buffer, M1: Buffer): boolean {
  const a = toBig(A);
  if (a <= 1n || a >= P - 1n) return false;
  const aBytes = toBytes(a);
  const u = toBig(sha256(aBytes, challenge.B));
  const S = modPow((a * modPow(password.verifier, u, P)) % P, challenge.b, P);
  const K = sha256(toBytes(S));
  const hp = sha256(SRP_PRIME);
  const hg = sha256(toBytes(G));
  const xored = Buffer.from(hp.map((byte, i) => byte ^ hg[i]!));
  const expected = sha256(xored, sha256(password.salt1), sha256(password.salt2), aBytes, challenge.B, K);
  return expected.equals(M1);
}
