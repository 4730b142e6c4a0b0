import { randomUUID } from 'node:crypto';
import type { JsonObject, NewTraining } from '@tinysweep/db';
import type { PlannedTraining } from '@tinysweep/spec';

/** The plan's shared trainings (libs/spec planTrainings), as rows to store: each gets its id; by trainHash. */
export function trainingRows(trainings: readonly PlannedTraining[]): Map<string, NewTraining> {
  return new Map(trainings.map((g) => [g.trainHash, { id: randomUUID(), trainHash: g.trainHash, params: g.params as JsonObject }]));
}
