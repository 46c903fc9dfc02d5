// Puts the viewer app behind a Node HTTP server on VIEWER_HOST:VIEWER_PORT, and takes it down
// cleanly: stop accepting, let requests in flight finish, then cut long-lived SSE streams.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ViewerApp } from './app.ts';

export class ViewerListenError extends Error {
  constructor(host: string, port: number, cause: NodeJS.ErrnoException) {
    const reason =
      cause.code === 'EADDRINUSE'
        ? `port ${port} is already in use on ${host}: stop the other server or choose another VIEWER_PORT`
        : cause.code === 'EADDRNOTAVAIL'
          ? `${host} is not an address of this machine: check VIEWER_HOST`
          : cause.code === 'EACCES'
            ? `not allowed to listen on port ${port}: use a port above 1023`
            : cause.message;
    super(`The viewer cannot listen on ${host}:${port}: ${reason}`);
    this.name = 'ViewerListenError';
  }
}

export interface RunningViewer {
  /** Base URL, e.g. http://127.0.0.1:8080 */
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  close(graceMs?: number): Promise<void>;
}

export function listenViewer(app: ViewerApp, host: string, port: number): Promise<RunningViewer> {
  const server = createServer(app);
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(new ViewerListenError(host, port, error)));
    server.listen(port, host, () => {
      const address = server.address() as AddressInfo;
      const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      resolve({
        url: `http://${shownHost}:${address.port}`,
        port: address.port,
        server,
        close: (graceMs = 2000) =>
          new Promise<void>((done) => {
            const force = setTimeout(() => server.closeAllConnections(), graceMs);
            server.close(() => {
              clearTimeout(force);
              done();
            });
            server.closeIdleConnections();
          }),
      });
    });
  });
}
