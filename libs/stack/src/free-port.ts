import { createServer } from 'node:net';

// Ports handed out by this process recently: two calls in a row must not return the same
// port even though neither was bound yet.
const handedOut = new Set<number>();

function probe(host: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host, port: 0, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * A TCP port that is free on `host` right now (the OS picks it). Another process could take it
 * before the caller binds it; callers that can should bind port 0 themselves instead.
 */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await probe(host);
    if (port > 0 && !handedOut.has(port)) {
      handedOut.add(port);
      if (handedOut.size > 1000) handedOut.delete(handedOut.values().next().value!);
      return port;
    }
  }
  throw new Error(`no free port found on ${host}`);
}

/** `count` distinct free ports. */
export async function freePorts(count: number, host = '127.0.0.1'): Promise<number[]> {
  const ports: number[] = [];
  for (let i = 0; i < count; i++) ports.push(await freePort(host));
  return ports;
}
