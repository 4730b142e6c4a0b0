import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '@tinysweep/stack';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

/**
 * The deployment files cannot be built or applied here (no Docker engine, no cluster), so this
 * checks what a mistake would break first: structure, GPU requests, and that every setting they
 * pass is one the apps actually read.
 */
const infra = join(REPO_ROOT, 'infra');
const k8sFiles = readdirSync(join(infra, 'k8s')).filter((f) => f.endsWith('.yaml'));
type Obj = Record<string, unknown>;
const docs = (file: string): Obj[] => parseAllDocuments(readFileSync(file, 'utf8')).map((d) => {
  expect(d.errors, `${file}: ${d.errors.map((e) => e.message).join('; ')}`).toEqual([]);
  return d.toJS() as Obj;
});
const get = (o: unknown, path: string): unknown => path.split('.').reduce<unknown>((v, k) => (v as Obj | undefined)?.[k], o);

/** Every TINYSWEEP_* name the apps' sources mention. */
const known = new Set(
  ['apps/api/src', 'apps/dispatcher/src', 'apps/trainer/src']
    .flatMap((dir) => execFileSync('grep', ['-rhoE', 'TINYSWEEP_[A-Z_]+', join(REPO_ROOT, dir)], { encoding: 'utf8' }).split('\n'))
    .filter(Boolean),
);

describe('infra manifests', () => {
  it('Kubernetes objects have what the API server requires, and selectors match their pods', () => {
    for (const f of k8sFiles) {
      for (const o of docs(join(infra, 'k8s', f))) {
        expect(o.apiVersion, f).toBeTypeOf('string');
        expect(o.kind, f).toBeTypeOf('string');
        expect(get(o, 'metadata.name'), f).toBeTypeOf('string');
        if (o.kind === 'Deployment') {
          const match = get(o, 'spec.selector.matchLabels') as Obj;
          const labels = get(o, 'spec.template.metadata.labels') as Obj;
          for (const [k, v] of Object.entries(match)) expect(labels[k], `${f}: selector ${k}`).toBe(v);
          for (const c of get(o, 'spec.template.spec.containers') as Obj[]) {
            expect(c.name).toBeTypeOf('string');
            expect(c.image).toMatch(/^[\w./-]+:[\w.-]+$/);
          }
        }
      }
    }
  });

  it('the trainer Deployment runs the torch image with one slot per GPU it requests, and serves with TLS', () => {
    const trainer = docs(join(infra, 'k8s', 'trainer.yaml')).find((o) => o.kind === 'Deployment')!;
    const c = (get(trainer, 'spec.template.spec.containers') as Obj[])[0]!;
    expect(c.image).toMatch(/\/trainer-torch:/);
    const gpus = get(c, 'resources.limits') as Obj;
    expect(gpus['nvidia.com/gpu']).toBeGreaterThanOrEqual(1);
    expect(get(c, 'resources.requests')).toMatchObject({ 'nvidia.com/gpu': gpus['nvidia.com/gpu'] }); // extended resources: requests = limits
    const env = Object.fromEntries((c.env as { name: string; value?: string }[]).map((e) => [e.name, e.value]));
    expect(env).toMatchObject({ TINYSWEEP_TRAINER_DEVICE: 'torch:cuda', TINYSWEEP_TRAINER_GPUS: 'all' });
    expect(env).not.toHaveProperty('TINYSWEEP_TRAINER_SLOTS'); // slots = the GPUs the pod was given
    expect(Object.keys(env)).toEqual(expect.arrayContaining(['TINYSWEEP_TLS_CA', 'TINYSWEEP_TLS_CERT', 'TINYSWEEP_TLS_KEY', 'TINYSWEEP_API_URL']));
  });

  it('compose reserves a GPU per slot for its GPU trainer, and the torch image carries Python, torch and the worker', () => {
    const compose = docs(join(infra, 'compose.yaml'))[0]!;
    const gpu = get(compose, 'services.trainer-gpu') as Obj;
    expect(get(gpu, 'build.target')).toBe('trainer-torch');
    expect(get(gpu, 'environment')).toMatchObject({ TINYSWEEP_TRAINER_DEVICE: 'torch:cuda', TINYSWEEP_TRAINER_GPUS: 'all' });
    expect(get(gpu, 'deploy.resources.reservations.devices')).toEqual([{ driver: 'nvidia', count: 1, capabilities: ['gpu'] }]);
    const dockerfile = readFileSync(join(infra, 'docker', 'Dockerfile'), 'utf8');
    const stage = dockerfile.slice(dockerfile.indexOf('AS trainer-torch'));
    expect(dockerfile).toMatch(/^FROM pytorch\/pytorch:\S*cuda\S* AS trainer-torch$/m);
    expect(stage).toMatch(/python -c "import torch/); // the build fails on an image without torch
    expect(stage).toMatch(/COPY --from=build \/app \/app/); // libs/torch/python (the worker) comes with libs/
    expect(existsSync(join(REPO_ROOT, 'libs', 'torch', 'python', 'worker.py'))).toBe(true);
    expect(stage).toMatch(/TINYSWEEP_TRAINER_DEVICE=torch:cuda/);
  });

  it('sets only settings the apps read', () => {
    const texts = [
      ...k8sFiles.map((f) => readFileSync(join(infra, 'k8s', f), 'utf8')),
      readFileSync(join(infra, 'compose.yaml'), 'utf8'),
      readFileSync(join(infra, 'docker', 'Dockerfile'), 'utf8'),
    ];
    const used = new Set(texts.flatMap((t) => t.match(/TINYSWEEP_[A-Z_]+/g) ?? []));
    expect(used.size).toBeGreaterThan(5);
    for (const name of used) expect(known, `${name} is set by infra/ but read by no app`).toContain(name);
  });

  it('every Dockerfile target starts an app entry point the build produces', () => {
    const dockerfile = readFileSync(join(infra, 'docker', 'Dockerfile'), 'utf8');
    const targets = [...dockerfile.matchAll(/^FROM \S+ AS ([\w-]+)$/gm)].map((m) => m[1]);
    expect(targets).toEqual(expect.arrayContaining(['api', 'dispatcher', 'trainer', 'trainer-torch', 'trainer-cuda']));
    for (const [, app] of dockerfile.matchAll(/CMD \["node", "apps\/(\w+)\/dist\/main\.js"\]/g)) {
      expect(existsSync(join(REPO_ROOT, 'apps', app!, 'src', 'main.ts')), `apps/${app}/src/main.ts`).toBe(true);
    }
    const compose = docs(join(infra, 'compose.yaml'))[0]!;
    for (const svc of ['api', 'dispatcher', 'trainer']) expect(targets).toContain(get(compose, `services.${svc}.build.target`));
  });

  it.skipIf(spawnSync('yamllint', ['--version']).status !== 0)('passes yamllint', () => {
    const r = spawnSync('yamllint', ['-d', '{extends: relaxed, rules: {line-length: {max: 160}}}', join(infra, 'k8s'), join(infra, 'compose.yaml')], { encoding: 'utf8' });
    expect(r.status, r.stdout).toBe(0);
  });
});
