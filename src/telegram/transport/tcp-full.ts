// MTProto's TCP "full" transport (length, sequence number, payload, CRC32) with the checksum of
// received packets computed by zlib's native crc32 over the bytes as they are: gramjs's codec
// concatenates header and body and runs a CRC32 written in JavaScript, which on a 1 MiB file chunk
// costs more than everything else except the decryption. Sending is left to gramjs (requests are small).
// gramjs's modules import one another in a cycle that only resolves from the package entry.
import 'telegram';
import { crc32 } from 'node:zlib';
import { InvalidBufferError, InvalidChecksumError } from 'telegram/errors/index.js';
import type { PromisedNetSockets, PromisedWebSockets } from 'telegram/extensions/index.js';
import { ConnectionTCPFull, FullPacketCodec } from 'telegram/network/connection/TCPFull.js';

export class NativeCrcPacketCodec extends FullPacketCodec {
  override async readPacket(reader: PromisedNetSockets | PromisedWebSockets): Promise<Buffer> {
    const head = await reader.readExactly(8);
    const length = head.readInt32LE(0);
    // Telegram can answer a broken session with a negative length followed by its code.
    if (length < 0) throw new InvalidBufferError(await reader.readExactly(4));
    const rest = await reader.readExactly(length - 8);
    const body = rest.subarray(0, rest.length - 4);
    const checksum = rest.readUInt32LE(rest.length - 4);
    const computed = crc32(body, crc32(head));
    if (computed !== checksum) throw new InvalidChecksumError(checksum, computed);
    return body;
  }
}

export class NativeCrcTcpFull extends ConnectionTCPFull {
  override PacketCodecClass = NativeCrcPacketCodec;
}
