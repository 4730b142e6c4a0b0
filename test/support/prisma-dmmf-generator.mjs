#!/usr/bin/env node
// A Prisma generator that only writes the DMMF datamodel (models, fields, enums, indexes) to the
// file in $TINYSWEEP_DMMF_OUT. Prisma talks to generators in JSON-RPC: requests on our stdin,
// one JSON response per line on our stderr. Used by test/support/prisma-dmmf.ts.
import { writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

const respond = (message) => process.stderr.write(`${JSON.stringify(message)}\n`);

createInterface({ input: process.stdin }).on('line', (line) => {
  const request = JSON.parse(line);
  if (request.method === 'getManifest') {
    respond({ jsonrpc: '2.0', id: request.id, result: { manifest: { prettyName: 'tinysweep DMMF dump', requiresEngines: [] } } });
  } else if (request.method === 'generate') {
    try {
      writeFileSync(process.env.TINYSWEEP_DMMF_OUT, JSON.stringify(request.params.dmmf.datamodel));
      respond({ jsonrpc: '2.0', id: request.id, result: null });
    } catch (err) {
      respond({ jsonrpc: '2.0', id: request.id, error: { code: -32000, message: err.message, data: { stack: err.stack, message: err.message } } });
    }
  }
});
