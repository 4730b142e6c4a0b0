import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalStack, startApps, type StackUrls } from './local-stack.js';
import { ProcessGroup } from './process-group.js';
import { redisCommand } from './redis.js';

let root: string;
const quiet = { write: () => true } as unknown as NodeJS.WritableStream;

/** A repository root whose apps are stand-ins that print their env and get ready like the real ones. */
function fakeApps(): string {
  const fake = join(root, 'fake-repo');
  const apps: Record<string, string> = {
    api: `import { createServer } from 'node:http';
          createServer((req, res) => {
            res.statusCode = req.url === '/health' ? 200 : 404;
            res.end(JSON.stringify({ db: process.env.DATABASE_URL, redis: process.env.REDIS_URL }));
          }).listen(Number(process.env.TINYSWEEP_API_PORT));`,
    dispatcher: `console.log('dispatcher ready ' + process.env.REDIS_URL); setInterval(() => {}, 1000);`,
    trainer: `console.log(JSON.stringify({ msg: 'trainer listening', port: process.env.TINYSWEEP_TRAINER_PORT, api: process.env.TINYSWEEP_API_URL, extra: process.env.EXTRA }));
              setInterval(() => {}, 1000);`,
  };
  for (const [app, source] of Object.entries(apps)) {
    mkdirSync(join(fake, 'apps', app, 'dist'), { recursive: true });
    writeFileSync(join(fake, 'apps', app, 'dist', 'main.js'), source);
  }
  writeFileSync(join(fake, 'package.json'), '{"type":"module"}');
  return fake;
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'tinysweep-stack-spec-'));
  chmodSync(root, 0o755);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('LocalStack', () => {
  it('starts Postgres (migrated) and Redis, reuses given URLs, and starts the apps with their env', async () => {
    const stack = new LocalStack();
    const reuse = new LocalStack();
    const group = new ProcessGroup({ output: quiet });
    try {
      const urls = await stack.start({ dataDir: join(root, 'stack'), durable: false, databaseUrl: '', redisUrl: '' });
      expect(urls.databaseUrl).toMatch(/^postgresql:\/\/postgres:tinysweep@127\.0\.0\.1:\d+\/tinysweep$/);
      expect(urls.apiUrl).toBe(`http://127.0.0.1:${urls.apiPort}`);
      const migrations = await stack.postgres!.query('SELECT migration_name FROM "_prisma_migrations"');
      expect(migrations.length).toBeGreaterThan(0);
      expect(await redisCommand(stack.redis!.port, '127.0.0.1', ['PING'])).toBe('PONG');
      // as compose runs it: an append-only file, so a restarted stack keeps its queue and schedule clocks
      expect(await redisCommand(stack.redis!.port, '127.0.0.1', ['INFO', 'persistence'])).toMatch(/aof_enabled:1/);

      // Given URLs, nothing is started (and migrating again is a no-op).
      const again: StackUrls = await reuse.start({ dataDir: join(root, 'unused'), databaseUrl: urls.databaseUrl, redisUrl: urls.redisUrl });
      expect(reuse.postgres).toBeUndefined();
      expect(reuse.redis).toBeUndefined();
      expect(again.databaseUrl).toBe(urls.databaseUrl);

      const apps = await startApps(group, { urls, trainers: 2, rootDir: fakeApps(), appEnv: { trainer: { EXTRA: 'x' } } });
      expect(group.names()).toEqual(['api', 'dispatcher', 'trainer-1', 'trainer-2']);
      expect(await (await fetch(`${urls.apiUrl}/health`)).json()).toEqual({ db: urls.databaseUrl, redis: urls.redisUrl });
      expect(apps.dispatcher!.tail().join('\n')).toContain(`dispatcher ready ${urls.redisUrl}`);
      expect(apps.trainers.map((t) => t.name)).toEqual(['trainer-1', 'trainer-2']);
      for (const trainer of apps.trainers) {
        const line = JSON.parse(trainer.process.tail().find((l) => l.includes('trainer listening'))!) as Record<string, string>;
        expect(line).toEqual({ msg: 'trainer listening', port: String(trainer.port), api: urls.apiUrl, extra: 'x' });
      }
    } finally {
      await group.stopAll();
      await reuse.stop();
      await stack.stop();
    }
    expect(stack.postgres!.running).toBe(false);
    expect(stack.redis!.running).toBe(false);
  });

  it('says to build when an app has no dist yet', async () => {
    const group = new ProcessGroup({ output: quiet });
    const urls: StackUrls = { databaseUrl: 'postgresql://x', redisUrl: 'redis://x', apiPort: 1, apiUrl: 'http://127.0.0.1:1' };
    await expect(startApps(group, { urls, rootDir: join(root, 'empty-repo') })).rejects.toThrow(
      /apps\/api\/dist\/main\.js not found; build first: node scripts\/setup\.mjs/,
    );
  });
});
