import { z } from 'zod';

/** What a trainer sends every few seconds (apps/trainer/src/heartbeat.ts). */
export const HeartbeatBody = z.strictObject({
  id: z.string().min(1).max(200),
  address: z.string().min(3).max(300),
  device: z.string().min(1).max(100),
  slots: z.number().int().min(1).max(4096),
  running: z.number().int().min(0).default(0),
  backends: z.array(z.string().max(100)).max(50),
  models: z.array(z.string().max(1000)).max(1000).default([]),
  version: z.string().max(100).default(''),
  gpus: z
    .array(z.strictObject({ index: z.number().int().min(0).max(4095), name: z.string().max(200), memoryMiB: z.number().min(0).max(1e9) }))
    .max(64)
    .optional(),
  loadedModels: z.array(z.string().max(1000)).max(64).optional(),
});
export type HeartbeatBody = z.infer<typeof HeartbeatBody>;
