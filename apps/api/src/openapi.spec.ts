import type { OpenAPIObject } from '@nestjs/swagger';
import { describe, expect, it } from 'vitest';
import { apiServer, finishOpenApi } from './openapi.js';

const doc = (): OpenAPIObject => ({
  openapi: '3.0.0',
  info: { title: 't', version: '1' },
  components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
  paths: {
    '/health': { get: { 'x-tinysweep-roles': ['public'], responses: { '200': { description: 'ok' } } } as never },
    '/sweeps/{id}/extend': {
      post: { summary: 'extend', 'x-tinysweep-roles': ['submit'], parameters: [{ in: 'path', name: 'id', required: true }], requestBody: { content: {} }, responses: { '200': { description: 'ok' } } } as never,
    },
    '/sweeps': { get: { 'x-tinysweep-roles': ['read'], responses: { '200': { description: 'ok' } } } as never },
  },
});

describe('finishOpenApi', () => {
  it("gives each operation its security requirement from its route's roles, its 4xx answers, a summary, and the document a server", () => {
    const out = finishOpenApi(doc(), apiServer('127.0.0.1', 4100, ''));
    expect(out.servers).toEqual([{ url: 'http://127.0.0.1:4100', description: expect.any(String) }]);
    const op = (p: string, m: string) => (out.paths[p] as Record<string, { security: unknown; responses: Record<string, unknown>; summary: string }>)[m]!;
    expect(op('/health', 'get').security).toEqual([]);
    expect(Object.keys(op('/health', 'get').responses)).toEqual(['200', '403']);
    expect(op('/sweeps/{id}/extend', 'post').security).toEqual([{ bearer: [] }]);
    expect(Object.keys(op('/sweeps/{id}/extend', 'post').responses).sort()).toEqual(['200', '400', '401', '403', '404', '415']);
    expect(op('/sweeps', 'get').summary).toBe('GET /sweeps');
    expect(out.components?.schemas?.Error).toMatchObject({ required: ['message'] });
  });

  it('names a server the API answers to when it listens on every address', () => {
    expect(apiServer('0.0.0.0', 4100, '*, control-plane').url).toBe('http://control-plane:4100');
    expect(apiServer('::', 4100, '').url).toBe('http://127.0.0.1:4100');
  });
});
