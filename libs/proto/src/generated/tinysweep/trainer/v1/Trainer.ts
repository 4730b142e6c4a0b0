// Original file: trainer.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { DescribeRequest as _tinysweep_trainer_v1_DescribeRequest, DescribeRequest__Output as _tinysweep_trainer_v1_DescribeRequest__Output } from '../../../tinysweep/trainer/v1/DescribeRequest.js';
import type { EvaluateRequest as _tinysweep_trainer_v1_EvaluateRequest, EvaluateRequest__Output as _tinysweep_trainer_v1_EvaluateRequest__Output } from '../../../tinysweep/trainer/v1/EvaluateRequest.js';
import type { FingerprintReply as _tinysweep_trainer_v1_FingerprintReply, FingerprintReply__Output as _tinysweep_trainer_v1_FingerprintReply__Output } from '../../../tinysweep/trainer/v1/FingerprintReply.js';
import type { FingerprintRequest as _tinysweep_trainer_v1_FingerprintRequest, FingerprintRequest__Output as _tinysweep_trainer_v1_FingerprintRequest__Output } from '../../../tinysweep/trainer/v1/FingerprintRequest.js';
import type { GenerateReply as _tinysweep_trainer_v1_GenerateReply, GenerateReply__Output as _tinysweep_trainer_v1_GenerateReply__Output } from '../../../tinysweep/trainer/v1/GenerateReply.js';
import type { GenerateRequest as _tinysweep_trainer_v1_GenerateRequest, GenerateRequest__Output as _tinysweep_trainer_v1_GenerateRequest__Output } from '../../../tinysweep/trainer/v1/GenerateRequest.js';
import type { NodeInfo as _tinysweep_trainer_v1_NodeInfo, NodeInfo__Output as _tinysweep_trainer_v1_NodeInfo__Output } from '../../../tinysweep/trainer/v1/NodeInfo.js';
import type { TrainEvent as _tinysweep_trainer_v1_TrainEvent, TrainEvent__Output as _tinysweep_trainer_v1_TrainEvent__Output } from '../../../tinysweep/trainer/v1/TrainEvent.js';
import type { TrainRequest as _tinysweep_trainer_v1_TrainRequest, TrainRequest__Output as _tinysweep_trainer_v1_TrainRequest__Output } from '../../../tinysweep/trainer/v1/TrainRequest.js';

/**
 * Train, Evaluate and Fingerprint are three calls, not one call with a oneof of requests: each has
 * its own request type and answer (Fingerprint is unary and takes no slot), and a trainer that does
 * not know a call answers UNIMPLEMENTED instead of running something else (protocol 1's trainers
 * read an unknown mode as "train").
 */
export interface TrainerClient extends grpc.Client {
  /**
   * What this node is: device, slots, backends, models, protocol.
   */
  Describe(argument: _tinysweep_trainer_v1_DescribeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tinysweep_trainer_v1_NodeInfo__Output>): grpc.ClientUnaryCall;
  Describe(argument: _tinysweep_trainer_v1_DescribeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tinysweep_trainer_v1_NodeInfo__Output>): grpc.ClientUnaryCall;
  Describe(argument: _tinysweep_trainer_v1_DescribeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tinysweep_trainer_v1_NodeInfo__Output>): grpc.ClientUnaryCall;
  Describe(argument: _tinysweep_trainer_v1_DescribeRequest, callback: grpc.requestCallback<_tinysweep_trainer_v1_NodeInfo__Output>): grpc.ClientUnaryCall;
  /**
   * What this node is: device, slots, backends, models, protocol.
   */
  describe(argument: _tinysweep_trainer_v1_DescribeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tinysweep_trainer_v1_NodeInfo__Output>): grpc.ClientUnaryCall;
  describe(argument: _tinysweep_trainer_v1_DescribeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tinysweep_trainer_v1_NodeInfo__Output>): grpc.ClientUnaryCall;
  describe(argument: _tinysweep_trainer_v1_DescribeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tinysweep_trainer_v1_NodeInfo__Output>): grpc.ClientUnaryCall;
  describe(argument: _tinysweep_trainer_v1_DescribeRequest, callback: grpc.requestCallback<_tinysweep_trainer_v1_NodeInfo__Output>): grpc.ClientUnaryCall;
  
  /**
   * Prune a stored adapter (a shared training's) at a trial's settings, retrain if the trial asks,
   * evaluate; no training. Streams like Train.
   */
  Evaluate(argument: _tinysweep_trainer_v1_EvaluateRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_tinysweep_trainer_v1_TrainEvent__Output>;
  Evaluate(argument: _tinysweep_trainer_v1_EvaluateRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_tinysweep_trainer_v1_TrainEvent__Output>;
  /**
   * Prune a stored adapter (a shared training's) at a trial's settings, retrain if the trial asks,
   * evaluate; no training. Streams like Train.
   */
  evaluate(argument: _tinysweep_trainer_v1_EvaluateRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_tinysweep_trainer_v1_TrainEvent__Output>;
  evaluate(argument: _tinysweep_trainer_v1_EvaluateRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_tinysweep_trainer_v1_TrainEvent__Output>;
  
  /**
   * What a run would read, as hashes, for result reuse. Runs nothing and takes no slot.
   */
  Fingerprint(argument: _tinysweep_trainer_v1_FingerprintRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tinysweep_trainer_v1_FingerprintReply__Output>): grpc.ClientUnaryCall;
  Fingerprint(argument: _tinysweep_trainer_v1_FingerprintRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tinysweep_trainer_v1_FingerprintReply__Output>): grpc.ClientUnaryCall;
  Fingerprint(argument: _tinysweep_trainer_v1_FingerprintRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tinysweep_trainer_v1_FingerprintReply__Output>): grpc.ClientUnaryCall;
  Fingerprint(argument: _tinysweep_trainer_v1_FingerprintRequest, callback: grpc.requestCallback<_tinysweep_trainer_v1_FingerprintReply__Output>): grpc.ClientUnaryCall;
  /**
   * What a run would read, as hashes, for result reuse. Runs nothing and takes no slot.
   */
  fingerprint(argument: _tinysweep_trainer_v1_FingerprintRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tinysweep_trainer_v1_FingerprintReply__Output>): grpc.ClientUnaryCall;
  fingerprint(argument: _tinysweep_trainer_v1_FingerprintRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tinysweep_trainer_v1_FingerprintReply__Output>): grpc.ClientUnaryCall;
  fingerprint(argument: _tinysweep_trainer_v1_FingerprintRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tinysweep_trainer_v1_FingerprintReply__Output>): grpc.ClientUnaryCall;
  fingerprint(argument: _tinysweep_trainer_v1_FingerprintRequest, callback: grpc.requestCallback<_tinysweep_trainer_v1_FingerprintReply__Output>): grpc.ClientUnaryCall;
  
  /**
   * Greedy generations of the base model and of one trained adapter, side by side (the board's
   * "Try it"). Takes no training slot; bounded by GENERATE_LIMITS (generate-limits.ts): a request
   * beyond them fails with INVALID_ARGUMENT naming the field, too many at once with RESOURCE_EXHAUSTED.
   * FAILED_PRECONDITION: this node cannot serve it (model missing here, adapter from another model).
   */
  Generate(argument: _tinysweep_trainer_v1_GenerateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tinysweep_trainer_v1_GenerateReply__Output>): grpc.ClientUnaryCall;
  Generate(argument: _tinysweep_trainer_v1_GenerateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tinysweep_trainer_v1_GenerateReply__Output>): grpc.ClientUnaryCall;
  Generate(argument: _tinysweep_trainer_v1_GenerateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tinysweep_trainer_v1_GenerateReply__Output>): grpc.ClientUnaryCall;
  Generate(argument: _tinysweep_trainer_v1_GenerateRequest, callback: grpc.requestCallback<_tinysweep_trainer_v1_GenerateReply__Output>): grpc.ClientUnaryCall;
  /**
   * Greedy generations of the base model and of one trained adapter, side by side (the board's
   * "Try it"). Takes no training slot; bounded by GENERATE_LIMITS (generate-limits.ts): a request
   * beyond them fails with INVALID_ARGUMENT naming the field, too many at once with RESOURCE_EXHAUSTED.
   * FAILED_PRECONDITION: this node cannot serve it (model missing here, adapter from another model).
   */
  generate(argument: _tinysweep_trainer_v1_GenerateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tinysweep_trainer_v1_GenerateReply__Output>): grpc.ClientUnaryCall;
  generate(argument: _tinysweep_trainer_v1_GenerateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tinysweep_trainer_v1_GenerateReply__Output>): grpc.ClientUnaryCall;
  generate(argument: _tinysweep_trainer_v1_GenerateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tinysweep_trainer_v1_GenerateReply__Output>): grpc.ClientUnaryCall;
  generate(argument: _tinysweep_trainer_v1_GenerateRequest, callback: grpc.requestCallback<_tinysweep_trainer_v1_GenerateReply__Output>): grpc.ClientUnaryCall;
  
  /**
   * Train a trial's attempt or a shared training. Events arrive in order; exactly one `result`
   * ends a healthy stream.
   */
  Train(argument: _tinysweep_trainer_v1_TrainRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_tinysweep_trainer_v1_TrainEvent__Output>;
  Train(argument: _tinysweep_trainer_v1_TrainRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_tinysweep_trainer_v1_TrainEvent__Output>;
  /**
   * Train a trial's attempt or a shared training. Events arrive in order; exactly one `result`
   * ends a healthy stream.
   */
  train(argument: _tinysweep_trainer_v1_TrainRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_tinysweep_trainer_v1_TrainEvent__Output>;
  train(argument: _tinysweep_trainer_v1_TrainRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_tinysweep_trainer_v1_TrainEvent__Output>;
  
}

/**
 * Train, Evaluate and Fingerprint are three calls, not one call with a oneof of requests: each has
 * its own request type and answer (Fingerprint is unary and takes no slot), and a trainer that does
 * not know a call answers UNIMPLEMENTED instead of running something else (protocol 1's trainers
 * read an unknown mode as "train").
 */
export interface TrainerHandlers extends grpc.UntypedServiceImplementation {
  /**
   * What this node is: device, slots, backends, models, protocol.
   */
  Describe: grpc.handleUnaryCall<_tinysweep_trainer_v1_DescribeRequest__Output, _tinysweep_trainer_v1_NodeInfo>;
  
  /**
   * Prune a stored adapter (a shared training's) at a trial's settings, retrain if the trial asks,
   * evaluate; no training. Streams like Train.
   */
  Evaluate: grpc.handleServerStreamingCall<_tinysweep_trainer_v1_EvaluateRequest__Output, _tinysweep_trainer_v1_TrainEvent>;
  
  /**
   * What a run would read, as hashes, for result reuse. Runs nothing and takes no slot.
   */
  Fingerprint: grpc.handleUnaryCall<_tinysweep_trainer_v1_FingerprintRequest__Output, _tinysweep_trainer_v1_FingerprintReply>;
  
  /**
   * Greedy generations of the base model and of one trained adapter, side by side (the board's
   * "Try it"). Takes no training slot; bounded by GENERATE_LIMITS (generate-limits.ts): a request
   * beyond them fails with INVALID_ARGUMENT naming the field, too many at once with RESOURCE_EXHAUSTED.
   * FAILED_PRECONDITION: this node cannot serve it (model missing here, adapter from another model).
   */
  Generate: grpc.handleUnaryCall<_tinysweep_trainer_v1_GenerateRequest__Output, _tinysweep_trainer_v1_GenerateReply>;
  
  /**
   * Train a trial's attempt or a shared training. Events arrive in order; exactly one `result`
   * ends a healthy stream.
   */
  Train: grpc.handleServerStreamingCall<_tinysweep_trainer_v1_TrainRequest__Output, _tinysweep_trainer_v1_TrainEvent>;
  
}

export interface TrainerDefinition extends grpc.ServiceDefinition {
  Describe: MethodDefinition<_tinysweep_trainer_v1_DescribeRequest, _tinysweep_trainer_v1_NodeInfo, _tinysweep_trainer_v1_DescribeRequest__Output, _tinysweep_trainer_v1_NodeInfo__Output>
  Evaluate: MethodDefinition<_tinysweep_trainer_v1_EvaluateRequest, _tinysweep_trainer_v1_TrainEvent, _tinysweep_trainer_v1_EvaluateRequest__Output, _tinysweep_trainer_v1_TrainEvent__Output>
  Fingerprint: MethodDefinition<_tinysweep_trainer_v1_FingerprintRequest, _tinysweep_trainer_v1_FingerprintReply, _tinysweep_trainer_v1_FingerprintRequest__Output, _tinysweep_trainer_v1_FingerprintReply__Output>
  Generate: MethodDefinition<_tinysweep_trainer_v1_GenerateRequest, _tinysweep_trainer_v1_GenerateReply, _tinysweep_trainer_v1_GenerateRequest__Output, _tinysweep_trainer_v1_GenerateReply__Output>
  Train: MethodDefinition<_tinysweep_trainer_v1_TrainRequest, _tinysweep_trainer_v1_TrainEvent, _tinysweep_trainer_v1_TrainRequest__Output, _tinysweep_trainer_v1_TrainEvent__Output>
}
