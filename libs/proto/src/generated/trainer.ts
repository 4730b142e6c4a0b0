import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { Checkpoint as _tinysweep_trainer_v1_Checkpoint, Checkpoint__Output as _tinysweep_trainer_v1_Checkpoint__Output } from './tinysweep/trainer/v1/Checkpoint.js';
import type { Completion as _tinysweep_trainer_v1_Completion, Completion__Output as _tinysweep_trainer_v1_Completion__Output } from './tinysweep/trainer/v1/Completion.js';
import type { DescribeRequest as _tinysweep_trainer_v1_DescribeRequest, DescribeRequest__Output as _tinysweep_trainer_v1_DescribeRequest__Output } from './tinysweep/trainer/v1/DescribeRequest.js';
import type { EvaluateRequest as _tinysweep_trainer_v1_EvaluateRequest, EvaluateRequest__Output as _tinysweep_trainer_v1_EvaluateRequest__Output } from './tinysweep/trainer/v1/EvaluateRequest.js';
import type { FingerprintReply as _tinysweep_trainer_v1_FingerprintReply, FingerprintReply__Output as _tinysweep_trainer_v1_FingerprintReply__Output } from './tinysweep/trainer/v1/FingerprintReply.js';
import type { FingerprintRequest as _tinysweep_trainer_v1_FingerprintRequest, FingerprintRequest__Output as _tinysweep_trainer_v1_FingerprintRequest__Output } from './tinysweep/trainer/v1/FingerprintRequest.js';
import type { GenerateReply as _tinysweep_trainer_v1_GenerateReply, GenerateReply__Output as _tinysweep_trainer_v1_GenerateReply__Output } from './tinysweep/trainer/v1/GenerateReply.js';
import type { GenerateRequest as _tinysweep_trainer_v1_GenerateRequest, GenerateRequest__Output as _tinysweep_trainer_v1_GenerateRequest__Output } from './tinysweep/trainer/v1/GenerateRequest.js';
import type { LogLine as _tinysweep_trainer_v1_LogLine, LogLine__Output as _tinysweep_trainer_v1_LogLine__Output } from './tinysweep/trainer/v1/LogLine.js';
import type { NodeInfo as _tinysweep_trainer_v1_NodeInfo, NodeInfo__Output as _tinysweep_trainer_v1_NodeInfo__Output } from './tinysweep/trainer/v1/NodeInfo.js';
import type { Progress as _tinysweep_trainer_v1_Progress, Progress__Output as _tinysweep_trainer_v1_Progress__Output } from './tinysweep/trainer/v1/Progress.js';
import type { TrainEvent as _tinysweep_trainer_v1_TrainEvent, TrainEvent__Output as _tinysweep_trainer_v1_TrainEvent__Output } from './tinysweep/trainer/v1/TrainEvent.js';
import type { TrainRequest as _tinysweep_trainer_v1_TrainRequest, TrainRequest__Output as _tinysweep_trainer_v1_TrainRequest__Output } from './tinysweep/trainer/v1/TrainRequest.js';
import type { TrainResult as _tinysweep_trainer_v1_TrainResult, TrainResult__Output as _tinysweep_trainer_v1_TrainResult__Output } from './tinysweep/trainer/v1/TrainResult.js';
import type { TrainerClient as _tinysweep_trainer_v1_TrainerClient, TrainerDefinition as _tinysweep_trainer_v1_TrainerDefinition } from './tinysweep/trainer/v1/Trainer.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  tinysweep: {
    trainer: {
      v1: {
        Checkpoint: MessageTypeDefinition<_tinysweep_trainer_v1_Checkpoint, _tinysweep_trainer_v1_Checkpoint__Output>
        Completion: MessageTypeDefinition<_tinysweep_trainer_v1_Completion, _tinysweep_trainer_v1_Completion__Output>
        DescribeRequest: MessageTypeDefinition<_tinysweep_trainer_v1_DescribeRequest, _tinysweep_trainer_v1_DescribeRequest__Output>
        EvaluateRequest: MessageTypeDefinition<_tinysweep_trainer_v1_EvaluateRequest, _tinysweep_trainer_v1_EvaluateRequest__Output>
        FailureCode: EnumTypeDefinition
        FingerprintReply: MessageTypeDefinition<_tinysweep_trainer_v1_FingerprintReply, _tinysweep_trainer_v1_FingerprintReply__Output>
        FingerprintRequest: MessageTypeDefinition<_tinysweep_trainer_v1_FingerprintRequest, _tinysweep_trainer_v1_FingerprintRequest__Output>
        GenerateReply: MessageTypeDefinition<_tinysweep_trainer_v1_GenerateReply, _tinysweep_trainer_v1_GenerateReply__Output>
        GenerateRequest: MessageTypeDefinition<_tinysweep_trainer_v1_GenerateRequest, _tinysweep_trainer_v1_GenerateRequest__Output>
        LogLine: MessageTypeDefinition<_tinysweep_trainer_v1_LogLine, _tinysweep_trainer_v1_LogLine__Output>
        NodeInfo: MessageTypeDefinition<_tinysweep_trainer_v1_NodeInfo, _tinysweep_trainer_v1_NodeInfo__Output>
        Progress: MessageTypeDefinition<_tinysweep_trainer_v1_Progress, _tinysweep_trainer_v1_Progress__Output>
        TrainEvent: MessageTypeDefinition<_tinysweep_trainer_v1_TrainEvent, _tinysweep_trainer_v1_TrainEvent__Output>
        TrainRequest: MessageTypeDefinition<_tinysweep_trainer_v1_TrainRequest, _tinysweep_trainer_v1_TrainRequest__Output>
        TrainResult: MessageTypeDefinition<_tinysweep_trainer_v1_TrainResult, _tinysweep_trainer_v1_TrainResult__Output>
        /**
         * Train, Evaluate and Fingerprint are three calls, not one call with a oneof of requests: each has
         * its own request type and answer (Fingerprint is unary and takes no slot), and a trainer that does
         * not know a call answers UNIMPLEMENTED instead of running something else (protocol 1's trainers
         * read an unknown mode as "train").
         */
        Trainer: SubtypeConstructor<typeof grpc.Client, _tinysweep_trainer_v1_TrainerClient> & { service: _tinysweep_trainer_v1_TrainerDefinition }
      }
    }
  }
}

