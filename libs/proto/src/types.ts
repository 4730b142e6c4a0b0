/**
 * Friendly names for the generated message types (src/generated/ is produced by scripts/gen.mjs).
 *
 * Each message has two shapes: `X` is what you may send (every field optional, longs as
 * number | string | Long), `X__Output` is what you receive (defaults filled in, longs as number,
 * enums as strings, oneof name in `event`). An `X__Output` is always assignable to `X`.
 */
export type { DescribeRequest, DescribeRequest__Output } from './generated/tinysweep/trainer/v1/DescribeRequest.js';
export type { NodeInfo, NodeInfo__Output } from './generated/tinysweep/trainer/v1/NodeInfo.js';
export type { TrainRequest, TrainRequest__Output } from './generated/tinysweep/trainer/v1/TrainRequest.js';
export type { EvaluateRequest, EvaluateRequest__Output } from './generated/tinysweep/trainer/v1/EvaluateRequest.js';
export type { FingerprintRequest, FingerprintRequest__Output } from './generated/tinysweep/trainer/v1/FingerprintRequest.js';
export type { FingerprintReply, FingerprintReply__Output } from './generated/tinysweep/trainer/v1/FingerprintReply.js';
export type { TrainEvent, TrainEvent__Output } from './generated/tinysweep/trainer/v1/TrainEvent.js';
export type { Progress, Progress__Output } from './generated/tinysweep/trainer/v1/Progress.js';
export type { LogLine, LogLine__Output } from './generated/tinysweep/trainer/v1/LogLine.js';
export type { TrainResult, TrainResult__Output } from './generated/tinysweep/trainer/v1/TrainResult.js';
export type { GenerateRequest, GenerateRequest__Output } from './generated/tinysweep/trainer/v1/GenerateRequest.js';
export type { GenerateReply, GenerateReply__Output } from './generated/tinysweep/trainer/v1/GenerateReply.js';
export type { Completion, Completion__Output } from './generated/tinysweep/trainer/v1/Completion.js';
export { FailureCode, type FailureCode__Output } from './generated/tinysweep/trainer/v1/FailureCode.js';
export type { TrainerClient, TrainerHandlers, TrainerDefinition } from './generated/tinysweep/trainer/v1/Trainer.js';
export type { ProtoGrpcType as TrainerProtoGrpcType } from './generated/trainer.js';
