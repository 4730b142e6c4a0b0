import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './free-port.js';
import type { ExitInfo } from './managed-process.js';
import { ProcessGroup } from './process-group.js';
import { waitUntil } from './wait-for.js';
import { isProcessAlive } from './process-alive.js';

let root: string;
let group: ProcessGroup;

/** Writes a node script fixture and returns its path. */
function script(name: string, source: string): string {
  const path = join(root, `${name}.mjs`);
  writeFileSync(path, source);
  return path;
}


beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'tinysweep-pgroup-spec-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));
afterEach(async () => {
  await group?.stopAll(500);
});

describe('ProcessGroup', () => {
  it('waits for a ready line and kills the whole tree with SIGKILL', async () => {
    group = new ProcessGroup({ logDir: join(root, 'logs') });
    const parent = script(
      'tree',
      `import { spawn } from 'node:child_process';
       const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
       console.log('grandchild ' + child.pid);
       console.log('tree ready');
       setInterval(() => {}, 1000);`,
    );
    const proc = await group.spawn('tree', { script: parent, ready: { line: /tree ready/ } });
    const grandchild = Number(proc.tail().find((l) => l.startsWith('grandchild '))!.split(' ')[1]);
    expect(isProcessAlive(grandchild)).toBe(true);

    const info = await group.kill('tree', 'SIGKILL');
    expect(info).toEqual<ExitInfo>({ code: null, signal: 'SIGKILL' });
    await waitUntil('the grandchild to die', async () => !isProcessAlive(grandchild), { timeoutMs: 5_000 });
    expect(readFileSync(join(root, 'logs', 'tree.log'), 'utf8')).toContain('tree ready');
  });

  it('waits for an HTTP check and passes the environment', async () => {
    group = new ProcessGroup({ output: { write: () => true } as unknown as NodeJS.WritableStream });
    const port = await freePort();
    const server = script(
      'http',
      `import { createServer } from 'node:http';
       createServer((req, res) => res.end(process.env.GREETING)).listen(Number(process.env.PORT));`,
    );
    await group.spawn('http', { script: server, env: { PORT: String(port), GREETING: 'hi' }, ready: { http: `http://127.0.0.1:${port}/`, tcp: port } });
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('hi');
  });

  it('rejects with the exit code and last output when a process dies before it is ready', async () => {
    group = new ProcessGroup({ output: { write: () => true } as unknown as NodeJS.WritableStream });
    const failing = script('failing', `console.error('cannot connect to the database'); process.exit(3);`);
    await expect(group.spawn('failing', { script: failing, ready: { line: /never/ } })).rejects.toThrow(
      /failing exited with code 3 before .*\n[\s\S]*cannot connect to the database/,
    );
    await expect(group.spawn('failing2', { script: failing, ready: { http: 'http://127.0.0.1:1/' } })).rejects.toThrow(
      /failing2 exited with code 3 before it was ready/,
    );
  });

  it('times out a process that never gets ready, and stops it', async () => {
    group = new ProcessGroup({ output: { write: () => true } as unknown as NodeJS.WritableStream });
    const idle = script('idle', `console.log('starting'); setInterval(() => {}, 1000);`);
    await expect(group.spawn('idle', { script: idle, ready: { line: /ready/, timeoutMs: 300 } })).rejects.toThrow(
      /idle did not print \/ready\/ within 300 ms/,
    );
    expect(group.get('idle')!.running).toBe(false);
  });

  it('stops in reverse order, escalating to SIGKILL for a process that ignores SIGTERM', async () => {
    group = new ProcessGroup({ output: { write: () => true } as unknown as NodeJS.WritableStream, graceMs: 300 });
    const stopped: string[] = [];
    group.on('exit', (name, _info, expected) => {
      if (expected) stopped.push(name);
    });
    const polite = script('polite', `console.log('up'); process.on('SIGTERM', () => process.exit(0)); setInterval(() => {}, 1000);`);
    const stubborn = script('stubborn', `console.log('up'); process.on('SIGTERM', () => {}); setInterval(() => {}, 1000);`);
    await group.spawn('first', { script: polite, ready: { line: /up/ } });
    await group.spawn('second', { script: stubborn, ready: { line: /up/ } });
    await group.spawn('third', { script: polite, ready: { line: /up/ } });
    await group.stopAll();
    await waitUntil('exit events', async () => stopped.length === 3, { timeoutMs: 2_000 });
    expect(stopped).toEqual(['third', 'second', 'first']);
    expect(group.get('second')!.exit).toEqual({ code: null, signal: 'SIGKILL' });
    expect(group.get('first')!.exit).toEqual({ code: 0, signal: null });
  });

  it('reports an unexpected exit and restarts a process with its first options', async () => {
    group = new ProcessGroup({ output: { write: () => true } as unknown as NodeJS.WritableStream });
    const unexpected: string[] = [];
    group.on('exit', (name, _info, expected) => {
      if (!expected) unexpected.push(name);
    });
    const worker = script('worker', `console.log('worker up ' + process.pid); setInterval(() => {}, 1000);`);
    const first = await group.spawn('worker', { script: worker, ready: { line: /worker up/ } });
    process.kill(first.pid, 'SIGKILL'); // from outside, as a crash would
    await first.exited;
    await waitUntil('the exit event', async () => unexpected.length === 1, { timeoutMs: 2_000 });
    expect(unexpected).toEqual(['worker']);

    const second = await group.restart('worker');
    expect(second.pid).not.toBe(first.pid);
    expect(second.running).toBe(true);
  });

  it("never signals another process's group once its own leader's pid was reused", async () => {
    group = new ProcessGroup({ logDir: join(root, 'logs') });
    const done = await group.spawn('done', { command: process.execPath, args: ['-e', 'console.log("bye")'] });
    await done.exited;
    const bystander = await group.spawn('bystander', { command: process.execPath, args: ['-e', 'console.log("up"); setInterval(() => {}, 1000)'], ready: { line: /up/ } });
    // Fault injection: the finished process's pid now belongs to the bystander, as after pid reuse.
    Object.defineProperty(done, 'pid', { value: bystander.pid });
    await done.stop(100);
    expect(done.signal('SIGKILL')).toBe(false);
    expect(isProcessAlive(bystander.pid)).toBe(true);
  });
});
