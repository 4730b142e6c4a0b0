/**
 * Migrates $DATABASE_URL with the repository's SQL migrations.
 *
 *   DATABASE_URL=postgresql://… node libs/db/dist/migrate-cli.js [--dir prisma/migrations]
 */
import { migrate } from './migrate.js';

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (url === undefined || url === '') throw new Error('DATABASE_URL is not set');
  const dirFlag = process.argv.indexOf('--dir');
  const migrationsDir = dirFlag >= 0 ? process.argv[dirFlag + 1] : undefined;
  const { applied } = await migrate(url, { migrationsDir, log: (m) => console.log(m) });
  console.log(`${applied.length} migration(s) applied`);
}

main().catch((err: unknown) => {
  console.error(`migrate: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
