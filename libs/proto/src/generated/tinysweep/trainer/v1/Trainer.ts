// Original file: trainer.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { DescribeRequest as _tinysweep_trainer_v1_DescribeRequest, DescribeRequest__Output as _tinysweep_trainer_v1_DescribeRequest__Output } from '../../../tinysweep/trainer/v1/DescribeRequest.js';
import type { NodeInfo as _tinysweep_trainer_v1_NodeInfo, NodeInfo__Output as _tinysweep_trainer_v1_NodeInfo__Output } from '../../../tinysweep/trainer/v1/NodeInfo.js';
import type { TrainEvent as _tinysweep_trainer_v1_TrainEvent, TrainEvent__Output as _tinysweep_trainer_v1_TrainEvent__Output } from '../../../tinysweep/trainer/v1/TrainEvent.js';
import type { TrainRequest as _tinysweep_trainer_v1_TrainRequest, TrainRequest__Output as _tinysweep_trainer_v1_TrainRequest__Output } from '../../../tinysweep/trainer/v1/TrainRequest.js';

export interface TrainerClient extends grpc.Client {
  /**
   * What this node is: device, slots, backends, models.
   */
  Describe(argument: _tinysweep_trainer_v1_DescribeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tinysweep_trainer_v1_NodeInfo__Output>): grpc.ClientUnaryCall;
  Describe(argument: _tinysweep_trainer_v1_DescribeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tinysweep_trainer_v1_NodeInfo__Output>): grpc.ClientUnaryCall;
  Describe(argument: _tinysweep_trainer_v1_DescribeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tinysweep_trainer_v1_NodeInfo__Output>): grpc.ClientUnaryCall;
  Describe(argument: _tinysweep_trainer_v1_DescribeRequest, callback: grpc.requestCallback<_tinysweep_trainer_v1_NodeInfo__Output>): grpc.ClientUnaryCall;
  /**
   * What this node is: device, slots, backends, models.
   */
  describe(argument: _tinysweep_trainer_v1_DescribeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tinysweep_trainer_v1_NodeInfo__Output>): grpc.ClientUnaryCall;
  describe(argument: _tinysweep_trainer_v1_DescribeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tinysweep_trainer_v1_NodeInfo__Output>): grpc.ClientUnaryCall;
  describe(argument: _tinysweep_trainer_v1_DescribeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tinysweep_trainer_v1_NodeInfo__Output>): grpc.ClientUnaryCall;
  describe(argument: _tinysweep_trainer_v1_DescribeRequest, callback: grpc.requestCallback<_tinysweep_trainer_v1_NodeInfo__Output>): grpc.ClientUnaryCall;
  
  /**
   * Run one trial attempt. Events arrive in order; exactly one `result` ends a healthy stream.
   */
  Train(argument: _tinysweep_trainer_v1_TrainRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_tinysweep_trainer_v1_TrainEvent__Output>;
  Train(argument: _tinysweep_trainer_v1_TrainRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_tinysweep_trainer_v1_TrainEvent__Output>;
  /**
   * Run one trial attempt. Events arrive in order; exactly one `result` ends a healthy stream.
   */
  train(argument: _tinysweep_trainer_v1_TrainRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_tinysweep_trainer_v1_TrainEvent__Output>;
  train(argument: _tinysweep_trainer_v1_TrainRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_tinysweep_trainer_v1_TrainEvent__Output>;
  
}

export interface TrainerHandlers extends grpc.UntypedServiceImplementation {
  /**
   * What this node is: device, slots, backends, models.
   */
  Describe: grpc.handleUnaryCall<_tinysweep_trainer_v1_DescribeRequest__Output, _tinysweep_trainer_v1_NodeInfo>;
  
  /**
   * Run one trial attempt. Events arrive in order; exactly one `result` ends a healthy stream.
   */
  Train: grpc.handleServerStreamingCall<_tinysweep_trainer_v1_TrainRequest__Output, _tinysweep_trainer_v1_TrainEvent>;
  
}

export interface TrainerDefinition extends grpc.ServiceDefinition {
  Describe: MethodDefinition<_tinysweep_trainer_v1_DescribeRequest, _tinysweep_trainer_v1_NodeInfo, _tinysweep_trainer_v1_DescribeRequest__Output, _tinysweep_trainer_v1_NodeInfo__Output>
  Train: MethodDefinition<_tinysweep_trainer_v1_TrainRequest, _tinysweep_trainer_v1_TrainEvent, _tinysweep_trainer_v1_TrainRequest__Output, _tinysweep_trainer_v1_TrainEvent__Output>
}
