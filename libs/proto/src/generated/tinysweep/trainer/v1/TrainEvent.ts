// Original file: trainer.proto

import type { Progress as _tinysweep_trainer_v1_Progress, Progress__Output as _tinysweep_trainer_v1_Progress__Output } from '../../../tinysweep/trainer/v1/Progress.js';
import type { LogLine as _tinysweep_trainer_v1_LogLine, LogLine__Output as _tinysweep_trainer_v1_LogLine__Output } from '../../../tinysweep/trainer/v1/LogLine.js';
import type { TrainResult as _tinysweep_trainer_v1_TrainResult, TrainResult__Output as _tinysweep_trainer_v1_TrainResult__Output } from '../../../tinysweep/trainer/v1/TrainResult.js';
import type { Checkpoint as _tinysweep_trainer_v1_Checkpoint, Checkpoint__Output as _tinysweep_trainer_v1_Checkpoint__Output } from '../../../tinysweep/trainer/v1/Checkpoint.js';

export interface TrainEvent {
  'progress'?: (_tinysweep_trainer_v1_Progress | null);
  'log'?: (_tinysweep_trainer_v1_LogLine | null);
  'result'?: (_tinysweep_trainer_v1_TrainResult | null);
  'checkpoint'?: (_tinysweep_trainer_v1_Checkpoint | null);
  'event'?: "progress"|"log"|"result"|"checkpoint";
}

export interface TrainEvent__Output {
  'progress'?: (_tinysweep_trainer_v1_Progress__Output | null);
  'log'?: (_tinysweep_trainer_v1_LogLine__Output | null);
  'result'?: (_tinysweep_trainer_v1_TrainResult__Output | null);
  'checkpoint'?: (_tinysweep_trainer_v1_Checkpoint__Output | null);
  'event'?: "progress"|"log"|"result"|"checkpoint";
}
