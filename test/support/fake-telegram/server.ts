// The TCP side of the fake: accepts gramjs connections on 127.0.0.1, unwraps invokeWithLayer /
// initConnection, routes each request to a handler, answers with rpc_result or rpc_error, answers
// pings, and pushes Updates to the connections that receive them. Faults (errors, hangs, dropped
// connections) are injected here so that every handler gets them for free.
import { randomBytes } from 'node:crypto';
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { Api } from 'telegram';
import { type AuthKeyRecord, FakeConnection, type IncomingMessage } from './connection.ts';
import { AUTH_KEY_BYTES, authKeyId } from './crypto.ts';
import { Faults } from './faults.ts';

/** Thrown by handlers: becomes an rpc_error answer. */
export class RpcFailure extends Error {
  readonly code: number;
  constructor(code: number, message: string) {
    super(message);
    this.code = code;
    this.name = 'RpcFailure';
  }
}

export const rpcFail = (code: number, message: string): never => {
  throw new RpcFailure(code, message);
};

export interface RequestContext {
  readonly connection: FakeConnection;
  readonly authKey: AuthKeyRecord;
}

export type Handler = (request: any, context: RequestContext) => unknown | Promise<unknown>;

export interface RequestLogEntry {
  /** gramjs class name of the request, e.g. `updates.GetDifference`. */
  readonly method: string;
  readonly request: any;
  readonly at: number;
  readonly authKeyId: string;
}

/** Methods a key may call before it is logged in. */
const BEFORE_LOGIN = new Set([
  'help.GetConfig',
  'help.GetNearestDc',
  'auth.SendCode',
  'auth.SignIn',
  'auth.ResendCode',
  'auth.CancelCode',
  'auth.LogOut',
]);
const WHILE_AWAITING_PASSWORD = new Set(['account.GetPassword', 'auth.CheckPassword']);
const WRAPPERS = [Api.InvokeWithLayer, Api.InitConnection, Api.InvokeWithoutUpdates, Api.InvokeAfterMsg];

const RPC_RESULT = 0xf35c6d01;
const VECTOR = 0x1cb5c415;
const BOOL_TRUE = 0x997275b5;
const BOOL_FALSE = 0xbc799737;

/** Serialises a handler result: a TL object, an array (Vector), a boolean, or raw bytes. */
export function tlBytes(value: unknown): Buffer {
  if (Buffer.isBuffer(value)) return value;
  if (Array.isArray(value)) {
    const head = Buffer.alloc(8);
    head.writeUInt32LE(VECTOR, 0);
    head.writeInt32LE(value.length, 4);
    return Buffer.concat([head, ...value.map(tlBytes)]);
  }
  if (typeof value === 'boolean') {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(value ? BOOL_TRUE : BOOL_FALSE);
    return b;
  }
  if (value && typeof (value as any).getBytes === 'function') return (value as any).getBytes();
  throw new Error(`cannot serialise a handler result of type ${typeof value}`);
}

export interface FakeServerOptions {
  /** Called with unexpected errors (a handler that throws something other than RpcFailure…). */
  readonly onError?: (error: unknown) => void;
}

export class FakeTelegramServer {
  readonly faults = new Faults();
  readonly requests: RequestLogEntry[] = [];
  private readonly handlers = new Map<string, Handler>();
  private readonly keys = new Map<string, AuthKeyRecord>();
  private readonly connections = new Set<FakeConnection>();
  private readonly sockets = new Set<Socket>();
  private readonly listener: Server;
  private readonly requestListeners = new Set<(entry: RequestLogEntry) => void>();
  private readonly onError: (error: unknown) => void;
  private online = true;
  private lastMsgId = 0n;
  private boundPort: number | undefined;
  /** Errors nobody scripted: tests assert this stays empty. */
  readonly unexpectedErrors: unknown[] = [];

  constructor(options: FakeServerOptions = {}) {
    this.onError =
      options.onError ??
      ((error) => {
        this.unexpectedErrors.push(error);
      });
    this.listener = createServer((socket) => this.accept(socket));
  }

  get port(): number {
    if (this.boundPort === undefined) throw new Error('the fake Telegram server is not listening');
    return this.boundPort;
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.listener.once('error', reject);
      this.listener.listen(port, host, () => resolve());
    });
    this.boundPort = (this.listener.address() as AddressInfo).port;
    return this.boundPort;
  }

  /** Closes every connection and the listening socket; resolves when nothing is left open. */
  async close(): Promise<void> {
    const wasListening = this.online;
    this.online = false;
    for (const socket of this.sockets) socket.destroy();
    if (wasListening) await new Promise<void>((resolve) => this.listener.close(() => resolve()));
  }

  /** A new 256-byte auth key the server accepts, as if a DH exchange had produced it. */
  issueAuthKey(options: { authorized: boolean }): AuthKeyRecord {
    const key = randomBytes(AUTH_KEY_BYTES);
    const record: AuthKeyRecord = {
      key,
      id: authKeyId(key),
      authorized: options.authorized,
      awaitingPassword: false,
    };
    this.keys.set(record.id.toString('hex'), record);
    return record;
  }

  /** Forgets a key: the client gets AUTH_KEY_UNREGISTERED from then on (a revoked session). */
  revokeAuthKey(record: AuthKeyRecord): void {
    record.authorized = false;
    record.awaitingPassword = false;
  }

  on(method: string, handler: Handler): this {
    this.handlers.set(method, handler);
    return this;
  }

  handler(method: string): Handler | undefined {
    return this.handlers.get(method);
  }

  /** Listens to every request as it arrives (before faults and handlers). Returns an unsubscribe. */
  onRequest(listener: (entry: RequestLogEntry) => void): () => void {
    this.requestListeners.add(listener);
    return () => this.requestListeners.delete(listener);
  }

  countRequests(method: string): number {
    return this.requests.filter((entry) => entry.method === method).length;
  }

  /** Open connections (any key). */
  get connectionCount(): number {
    return [...this.connections].filter((c) => c.isOpen).length;
  }

  /** Connections that would receive a push now. */
  get updateConnectionCount(): number {
    return this.updateTargets().length;
  }

  /**
   * Offline: drop every connection and stop listening, so reconnects are refused as if the network
   * were down; online again listens on the same port.
   */
  async setOnline(online: boolean): Promise<void> {
    if (online === this.online) return;
    this.online = online;
    if (!online) {
      this.dropConnections();
      await new Promise<void>((resolve) => this.listener.close(() => resolve()));
      return;
    }
    await new Promise<void>((resolve, reject) => {
      this.listener.once('error', reject);
      this.listener.listen(this.port, '127.0.0.1', () => {
        this.listener.off('error', reject);
        resolve();
      });
    });
  }

  get isOnline(): boolean {
    return this.online;
  }

  /** Closes every open connection; clients see a connection reset and reconnect. */
  dropConnections(): void {
    for (const connection of this.connections) connection.close();
    this.connections.clear();
  }

  /** Pushes an Updates object to every logged-in connection that receives updates. */
  push(updates: Api.TypeUpdates): number {
    const targets = this.updateTargets();
    const bytes = updates.getBytes();
    for (const connection of targets) connection.send(bytes);
    return targets.length;
  }

  private updateTargets(): FakeConnection[] {
    return [...this.connections].filter((c) => c.isOpen && c.receivesUpdates && c.authKey?.authorized);
  }

  nextMsgId(): bigint {
    // Server message ids are time-based, strictly increasing and 1 mod 4 (a response).
    const ms = BigInt(Date.now());
    let id = ((ms / 1000n) << 32n) | ((ms % 1000n) << 22n) | 1n;
    if (id <= this.lastMsgId) id = this.lastMsgId + 4n;
    this.lastMsgId = id;
    return id;
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    const connection = new FakeConnection(socket, {
      findKey: (id) => this.keys.get(id.toString('hex')),
      onMessage: (c, message) => this.onMessage(c, message),
      onError: (error) => this.onError(error),
      nextMsgId: () => this.nextMsgId(),
    });
    this.connections.add(connection);
    socket.on('close', () => this.connections.delete(connection));
  }

  private async onMessage(connection: FakeConnection, { msgId, object }: IncomingMessage): Promise<void> {
    if (object instanceof Api.MsgsAck) return;
    if (object instanceof Api.PingDelayDisconnect || object instanceof Api.Ping) {
      connection.send(new Api.Pong({ msgId: msgId as any, pingId: object.pingId }).getBytes(), false);
      return;
    }
    let request = object;
    while (WRAPPERS.some((Wrapper) => request instanceof Wrapper)) request = request.query;
    const method: string = request.className;
    const authKey = connection.authKey!;
    const entry: RequestLogEntry = {
      method,
      request,
      at: Date.now(),
      authKeyId: authKey.id.toString('hex'),
    };
    this.requests.push(entry);
    for (const listener of this.requestListeners) listener(entry);
    if (!method.startsWith('upload.')) connection.receivesUpdates = true;

    const fault = this.faults.take(method);
    if (fault?.kind === 'hang') return;
    if (fault?.kind === 'drop') {
      connection.close();
      return;
    }
    let result: unknown;
    if (fault?.kind === 'error') {
      result = new Api.RpcError({ errorCode: fault.code, errorMessage: fault.message });
    } else {
      result = await this.invokeHandler(method, request, connection, authKey);
    }
    const head = Buffer.alloc(12);
    head.writeUInt32LE(RPC_RESULT, 0);
    head.writeBigInt64LE(BigInt.asIntN(64, msgId), 4);
    connection.send([head, tlBytes(result)]);
  }

  private async invokeHandler(
    method: string,
    request: any,
    connection: FakeConnection,
    authKey: AuthKeyRecord,
  ): Promise<unknown> {
    const allowed =
      authKey.authorized ||
      BEFORE_LOGIN.has(method) ||
      (authKey.awaitingPassword && WHILE_AWAITING_PASSWORD.has(method));
    if (!allowed) {
      return new Api.RpcError({ errorCode: 401, errorMessage: 'AUTH_KEY_UNREGISTERED' });
    }
    const handler = this.handlers.get(method);
    if (!handler) {
      return new Api.RpcError({ errorCode: 400, errorMessage: `FAKE_NOT_IMPLEMENTED_${method}` });
    }
    try {
      return await handler(request, { connection, authKey });
    } catch (error) {
      if (error instanceof RpcFailure) {
        return new Api.RpcError({ errorCode: error.code, errorMessage: error.message });
      }
      this.onError(error);
      return new Api.RpcError({ errorCode: 500, errorMessage: 'INTERNAL' });
    }
  }
}
