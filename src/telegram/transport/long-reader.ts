// gramjs reads every 64-bit TL field (peer ids, access hashes, message ids of the protocol) by
// copying the 8 bytes, reversing them, printing them as hex, parsing the hex into a big-integer and,
// for a signed read, printing the result in binary to test its length: about 12 µs per field, more
// than the rest of decoding a channel message. Node reads the same value natively; big-integer
// turns it into the same kind of object (checked in the tests). gramjs offers no option for this,
// so BinaryReader.readLong is replaced; reading, bounds checks and offsets stay gramjs's own.
// gramjs's modules import one another in a cycle that only resolves from the package entry.
import 'telegram';
import bigInt from 'big-integer';
import { BinaryReader } from 'telegram/extensions/index.js';

interface LongReader {
  read(length: number): Buffer;
  readLong(signed?: boolean): bigInt.BigInteger;
}

const prototype = BinaryReader.prototype as unknown as LongReader;

/** gramjs's own readLong, as it was before useNativeLongs (for tests and comparisons). */
export const gramjsOwnReadLong = prototype.readLong;

function readLong(this: LongReader, signed = true): bigInt.BigInteger {
  const bytes = this.read(8);
  return bigInt(signed ? bytes.readBigInt64LE(0) : bytes.readBigUInt64LE(0));
}

/** Makes gramjs read 64-bit fields natively from now on (idempotent). */
export function useNativeLongs(): void {
  prototype.readLong = readLong;
}

/** The readLong gramjs uses now. */
export const currentReadLong = (): unknown => prototype.readLong;
