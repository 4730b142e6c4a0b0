// Original file: trainer.proto

import type { Long } from '@grpc/proto-loader';

export interface Progress {
  'step'?: (number | string | Long);
  'metrics'?: ({[key: string]: number | string});
}

export interface Progress__Output {
  'step': (number);
  'metrics': ({[key: string]: number});
}
