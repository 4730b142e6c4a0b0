/**
 * The OpenAPI document at /docs-json, finished so clients can be generated from it and Redocly's
 * recommended ruleset passes (test/e2e/researcher-workflow.test.ts lints it): every operation names
 * its security requirement (the bearer token, or none for the public ones, from each route's
 * @Access roles), its 4xx answers with the API's one error shape, and a summary; the document names
 * its server. Pure: a document in, a document out.
 */
import type { OpenAPIObject } from '@nestjs/swagger';
import { ACCESS_EXTENSION } from './auth/access.js';

type Operation = {
  summary?: string;
  operationId?: string;
  parameters?: Array<{ in?: string; name?: string }>;
  requestBody?: unknown;
  responses?: Record<string, unknown>;
  security?: Array<Record<string, string[]>>;
  [key: string]: unknown;
};

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head'] as const;
const ERROR_REF = { $ref: '#/components/schemas/Error' };
const error = (description: string) => ({ description, content: { 'application/json': { schema: ERROR_REF } } });

/** The API's error answer (Nest's HttpException body; 400s list each bad field in `issues`). */
const ERROR_SCHEMA = {
  type: 'object',
  required: ['message'],
  properties: {
    statusCode: { type: 'integer', example: 400 },
    message: { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }], example: 'invalid sweep spec' },
    error: { type: 'string', example: 'Bad Request' },
    issues: {
      type: 'array',
      description: 'one per bad field',
      items: { type: 'object', required: ['path', 'message'], properties: { path: { type: 'string', example: 'adapter.rank[1]' }, message: { type: 'string' } } },
    },
  },
};

export function finishOpenApi(doc: OpenAPIObject, server: { url: string; description: string }): OpenAPIObject {
  const out = structuredClone(doc) as OpenAPIObject & { components: NonNullable<OpenAPIObject['components']> };
  out.servers = [server];
  out.info.license ??= { name: 'MIT', url: 'https://opensource.org/license/mit' };
  out.components ??= {};
  out.components.schemas = { ...out.components.schemas, Error: ERROR_SCHEMA };
  const bearer = Object.keys(out.components.securitySchemes ?? {})[0] ?? 'bearer';
  for (const [path, item] of Object.entries(out.paths)) {
    for (const method of METHODS) {
      const op = (item as Record<string, Operation | undefined>)[method];
      if (!op) continue;
      const roles = (op[ACCESS_EXTENSION] as string[] | undefined) ?? [];
      const open = roles.includes('public');
      op.security = open ? [] : [{ [bearer]: [] }];
      op.summary ??= `${method.toUpperCase()} ${path}`;
      const responses = (op.responses ??= {});
      const add = (code: string, description: string) => void (responses[code] ??= error(description));
      if (op.requestBody || (op.parameters ?? []).some((p) => p.in === 'query') || method === 'post') add('400', 'a bad request: the message names the field and the reason');
      if (!open) add('401', 'no token, or a token the API does not know');
      // The request checks refuse another origin or host name on every route, public ones too.
      add('403', open ? 'the request came from another origin or host name' : `the token's role may not do this (it needs ${roles.join(' or ') || 'a role'}), or the request came from another origin or host name`);
      if ((op.parameters ?? []).some((p) => p.in === 'path')) add('404', 'no such resource');
      if (method === 'post' && (path === '/sweeps' || path === '/schedules')) add('429', 'too many submissions from this token in the last minute');
      if (op.requestBody) add('415', 'the body is not JSON or YAML');
    }
  }
  return out;
}

/**
 * The server the document names: the address the API listens on, or — listening on every address —
 * the first name it answers to (TINYSWEEP_API_HOSTS), else loopback.
 */
export function apiServer(host: string, port: number, answersTo: string): { url: string; description: string } {
  const any = host === '0.0.0.0' || host === '::' || host === '';
  const name = any ? (answersTo.split(',').map((h) => h.trim()).find((h) => h !== '' && h !== '*') ?? '127.0.0.1') : host;
  return { url: `http://${name.includes(':') ? `[${name}]` : name}:${port}`, description: 'this API (behind a proxy: its public address)' };
}
