// Test helpers (compiled with the app but used only by specs).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: string;
  authorization?: string;
  body: unknown;
}

/** A tiny real HTTP server that records every request and answers with `status()`. */
export class RecordingApi {
  readonly requests: RecordedRequest[] = [];
  status: () => number = () => 200;
  private server?: Server;

  async start(port = 0): Promise<string> {
    this.server = createServer((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString()));
      req.on('end', () => {
        this.requests.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization, body: text ? JSON.parse(text) : undefined });
        res.writeHead(this.status(), { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    this.server = undefined;
  }

  beats(): RecordedRequest[] {
    return this.requests.filter((r) => r.url === '/nodes/heartbeat');
  }
}
