import type { TrainerNodeInfo } from '@tinysweep/api-types';
import { z } from 'zod';

/**
 * The check of a node's description where it enters the control plane (the heartbeat, in the API):
 * the zod form of {@link TrainerNodeInfo}. Older trainers may leave out `running`, `models` and
 * `version`; the defaults fill them in.
 */
export const TrainerNodeInfoSchema = z.strictObject({
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

/** Same keys, each side assignable to the other: a field added to the type or the schema alone fails the build. */
type SameShape<A, B> = [A] extends [B] ? ([B] extends [A] ? ([keyof A] extends [keyof B] ? ([keyof B] extends [keyof A] ? true : false) : false) : false) : false;
true satisfies SameShape<z.output<typeof TrainerNodeInfoSchema>, TrainerNodeInfo>;
true satisfies SameShape<NonNullable<z.output<typeof TrainerNodeInfoSchema>['gpus']>[number], NonNullable<TrainerNodeInfo['gpus']>[number]>;
