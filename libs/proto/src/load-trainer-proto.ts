import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { fileURLToPath } from 'node:url';
import type { TrainerProtoGrpcType } from './types.js';

/**
 * Absolute path of trainer.proto. It sits at the package root, one level above both src/ (where
 * this file runs under vitest/tsx) and dist/ (compiled), so one relative URL serves both.
 */
export const TRAINER_PROTO_PATH = fileURLToPath(new URL('../trainer.proto', import.meta.url));

/** Fully-qualified service name, e.g. for health checks and reflection. */
export const TRAINER_SERVICE_NAME = 'tinysweep.trainer.v1.Trainer';

/** Loader options; they must match the flags in scripts/gen.mjs or the generated types lie. */
export const TRAINER_PROTO_LOADER_OPTIONS: protoLoader.Options = {
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
};

let cached: TrainerProtoGrpcType | undefined;

/** Loads trainer.proto (once per process) and returns its typed gRPC package object. */
export function loadTrainerProto(): TrainerProtoGrpcType {
  if (!cached) {
    const definition = protoLoader.loadSync(TRAINER_PROTO_PATH, TRAINER_PROTO_LOADER_OPTIONS);
    cached = grpc.loadPackageDefinition(definition) as unknown as TrainerProtoGrpcType;
  }
  return cached;
}
