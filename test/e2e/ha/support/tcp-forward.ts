/**
 * A TCP forwarder in the root namespace: hosts in the lab reach the PostgreSQL that CI runs on
 * 127.0.0.1 through the lab address. Each accepted connection gets its own upstream connection;
 * either side closing or failing closes the other (a killed master's sessions end at once, as
 * they would on a direct connection). A host cut off the network leaves its connection silent.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface Forwarder {
  close(): Promise<void>;
}

export async function forwardTcp(
  listen: { host: string; port: number },
  to: { host: string; port: number },
): Promise<Forwarder> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(to.port, to.host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => resolve());
  });
  return {
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
