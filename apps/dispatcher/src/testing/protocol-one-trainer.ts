// Test double (specs only): a trainer of trainer protocol 1, as nodes from before Train, Evaluate and
// Fingerprint were calls of their own answer. Its Describe has no `protocol` (it reads 0); it has no
// Evaluate or Fingerprint; it records every Train it is sent. `protocol` can be raised to play the
// node after an upgrade.
import * as grpc from '@grpc/grpc-js';
import { loadTrainerProto, type DescribeRequest__Output, type NodeInfo } from '@tinysweep/proto';

export interface ProtocolOneTrainer {
  address: string;
  nodeId: string;
  /** Train calls it received (a dispatcher of protocol 2 must send it none). */
  trains: number;
  /** What its Describe reports: 0, as protocol 1 trainers do; set 2 to play an upgraded node. */
  protocol: number;
  /** What its Describe reports as the trial contract it reads: 0 (unset, contract 1) unless set. */
  contract: number;
  close(): void;
}

export async function startProtocolOneTrainer(nodeId: string): Promise<ProtocolOneTrainer> {
  const server = new grpc.Server();
  const double: ProtocolOneTrainer = { address: '', nodeId, trains: 0, protocol: 0, contract: 0, close: () => server.forceShutdown() };
  server.addService(loadTrainerProto().tinysweep.trainer.v1.Trainer.service, {
    Describe: (_call: grpc.ServerUnaryCall<DescribeRequest__Output, NodeInfo>, cb: grpc.sendUnaryData<NodeInfo>) =>
      cb(null, { nodeId, address: double.address, device: 'cpu', slots: 1, backends: ['command'], version: '0.1.0', protocol: double.protocol, contract: double.contract }),
    Train: (call: grpc.ServerWritableStream<unknown, unknown>) => {
      double.trains++;
      call.end();
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  double.address = `127.0.0.1:${port}`;
  return double;
}
