import { defineConfig } from 'prisma/config';

// Only `prisma generate` runs here; migrations are applied by libs/db (see prisma/schema.prisma).
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost/tinysweep' },
});
