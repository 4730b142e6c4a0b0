/**
 * A TCP load balancer in front of the API replicas, as a Kubernetes Service or a cloud load
 * balancer stands in front of a real deployment: each connection goes to the next replica that
 * accepts it, so clients (trainers' heartbeats, the harness's requests) keep working while one
 * replica is down. A dead replica's open connections break, as they would behind a real one.
 *
 * Hand-written because it is forty lines on node:net and no library does "round-robin to whichever
 * backend accepts" without bringing a whole proxy server.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export class ApiBalancer {
  private server?: Server;
  private next = 0;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly backends: number[]) {}

  /** Listens on `host`:`port` (0: a free one); resolves with the port. */
  async listen(host: string, port = 0): Promise<number> {
    const server = createServer((client) => this.route(client));
    this.server = server;
    await new Promise<void>((resolve) => server.listen(port, host, resolve));
    return (server.address() as { port: number }).port;
  }

  private route(client: Socket, tried = 0): void {
    this.sockets.add(client);
    client.once('close', () => this.sockets.delete(client));
    client.on('error', () => client.destroy());
    client.pause();
    const port = this.backends[this.next++ % this.backends.length]!;
    const upstream = connect({ host: '127.0.0.1', port });
    upstream.once('connect', () => {
      this.sockets.add(upstream);
      upstream.once('close', () => this.sockets.delete(upstream));
      client.pipe(upstream).pipe(client);
      client.resume();
      upstream.on('error', () => client.destroy());
      client.once('close', () => upstream.destroy());
      upstream.once('close', () => client.destroy());
    });
    upstream.once('error', () => {
      upstream.destroy();
      // refused: that replica is down; try the others before giving up on the client
      if (tried + 1 < this.backends.length && !client.destroyed) {
        this.sockets.delete(client);
        this.route(client, tried + 1);
      } else client.destroy();
    });
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
