// Test helper: a separate client process. Calls Train on argv[2] with the request JSON in argv[3]
// and prints each event as a JSON line, so a test can kill the client (SIGKILL) mid-stream. It states
// trainer protocol 2 as libs/proto's clients do (a raw client here: no build of libs/proto needed).
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { fileURLToPath } from 'node:url';

const protoPath = fileURLToPath(new URL('../../../../libs/proto/trainer.proto', import.meta.url));
const def = protoLoader.loadSync(protoPath, { keepCase: false, longs: Number, enums: String, defaults: true, oneofs: true });
const { Trainer } = grpc.loadPackageDefinition(def).tinysweep.trainer.v1;
const client = new Trainer(process.argv[2], grpc.credentials.createInsecure());
const metadata = new grpc.Metadata();
metadata.set('tinysweep-protocol', '2');
const call = client.train(JSON.parse(process.argv[3]), metadata);
call.on('data', (event) => process.stdout.write(JSON.stringify(event) + '\n'));
call.on('error', (err) => process.stdout.write(JSON.stringify({ error: err.code }) + '\n'));
call.on('end', () => client.close());
