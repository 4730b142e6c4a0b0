import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createTrainerClient,
  loadTrainerProto,
  TRAINER_CHANNEL_OPTIONS,
  TRAINER_TOKEN_METADATA,
  type DescribeRequest__Output,
  type NodeInfo,
  type NodeInfo__Output,
  type TrainerClient,
} from './index.js';

let server: grpc.Server | undefined;
afterEach(() => {
  server?.forceShutdown();
  server = undefined;
});

/** A real server whose Describe echoes the authorization metadata it received as node_id. */
async function echoServer(): Promise<string> {
  server = new grpc.Server();
  server.addService(loadTrainerProto().tinysweep.trainer.v1.Trainer.service, {
    Describe: (call: grpc.ServerUnaryCall<DescribeRequest__Output, NodeInfo>, cb: grpc.sendUnaryData<NodeInfo>) =>
      cb(null, { nodeId: String(call.metadata.get(TRAINER_TOKEN_METADATA)[0] ?? ''), slots: 3 }),
    Train: (call: grpc.ServerWritableStream<unknown, unknown>) => call.end(),
  });
  const port = await new Promise<number>((resolve, reject) =>
    server!.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return `127.0.0.1:${port}`;
}

const describeNode = (client: TrainerClient) =>
  new Promise<NodeInfo__Output>((resolve, reject) => client.describe({}, (err, info) => (err ? reject(err) : resolve(info!))));

describe('createTrainerClient', () => {
  it('sends the bearer token on every call, and nothing without one', async () => {
    const address = await echoServer();
    const withToken = createTrainerClient(address, { token: 'tok' });
    const without = createTrainerClient(address);
    try {
      const info = await describeNode(withToken);
      expect(info.nodeId).toBe('Bearer tok');
      expect(info.slots).toBe(3);
      expect(info.backends).toEqual([]); // defaults filled in
      expect((await describeNode(withToken)).nodeId).toBe('Bearer tok');
      expect((await describeNode(without)).nodeId).toBe('');
    } finally {
      withToken.close();
      without.close();
    }
  });

  it('keeps dead peers noticeable within ~15 s', () => {
    expect(TRAINER_CHANNEL_OPTIONS['grpc.keepalive_time_ms']! + TRAINER_CHANNEL_OPTIONS['grpc.keepalive_timeout_ms']!).toBeLessThanOrEqual(15_000);
    expect(TRAINER_CHANNEL_OPTIONS['grpc.keepalive_permit_without_calls']).toBe(1);
  });
});
