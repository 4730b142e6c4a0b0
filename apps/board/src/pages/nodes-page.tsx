import { useState } from 'preact/hooks';
import { ErrorNote } from '../components/bits';
import { DataTable } from '../components/data-table';
import { duration } from '../format';
import { useFetch, useInterval } from '../hooks';
import { Link, paths } from '../router';
import type { TrainerNode, TrainerWork } from '@tinysweep/api-types';

/** "GPU 0 · NVIDIA H100 80GB HBM3 · 79.6 GiB" */
function gpuLine(g: NonNullable<TrainerNode['gpus']>[number]): string {
  return `GPU ${g.index} · ${g.name || 'unnamed'} · ${(g.memoryMiB / 1024).toFixed(1)} GiB`;
}

/** What one slot runs: `training 3fa2c1d0 of demo (2 trials, step 20)`, linked to the sweep or trial. */
export function WorkLine({ work: w }: { work: TrainerWork }) {
  const verb = w.kind === 'evaluation' ? 'evaluating' : w.kind;
  const extra = [w.kind === 'training' ? `${w.trials} trial${w.trials === 1 ? '' : 's'}` : '', w.step !== null ? `step ${w.step}` : ''].filter(Boolean).join(', ');
  return (
    <>
      {verb} {w.kind === 'training' ? <span class="mono">{w.id.slice(0, 8)}</span> : <Link href={paths.trial(w.id)} class="mono">{w.id.slice(0, 8)}</Link>} of{' '}
      <Link href={paths.sweep(w.sweepId)}>{w.sweepName}</Link>
      {extra ? <span class="muted"> ({extra})</span> : null}
    </>
  );
}

/** Trainer nodes: device (and GPUs), slots busy and free, heartbeat age, models. Polled every 2 s. */
export function NodesPage() {
  const [version, setVersion] = useState(0);
  const { data, error } = useFetch<{ items: TrainerNode[] }>('/nodes', version);
  useInterval(() => setVersion((v) => v + 1), 2000);
  const items = data?.items ?? [];
  const alive = items.filter((n) => n.alive);
  const slots = alive.reduce((s, n) => s + n.slots, 0);
  const busy = alive.reduce((s, n) => s + Math.min(n.busy, n.slots), 0);
  return (
    <div class="page" data-page="nodes" data-state={data ? 'ready' : 'loading'}>
      <div class="page-head">
        <h1 tabIndex={-1}>Trainer nodes</h1>
        <p class="muted">
          {alive.length} live of {items.length} · {busy} of {slots} slots busy
        </p>
      </div>
      <ErrorNote error={error} />
      <DataTable
        label="Trainer nodes"
        columns={['Node', 'State', 'Device', 'Slots', 'Heartbeat', 'Backends', 'Models', 'Version']}
        rows={items}
        empty={data ? <>No trainer has registered. Start one with <code>node apps/trainer/dist/main.js</code>.</> : null}
        row={(n) => {
          const used = Math.min(n.busy, n.slots);
          return (
            <tr key={n.id}>
              <td>
                <strong>{n.id}</strong>
                <div class="muted mono small">{n.address}</div>
              </td>
              <td>
                <span class={`badge ${n.alive ? 'badge-succeeded' : 'badge-failed'}`}>{n.alive ? 'live' : 'gone'}</span>
                {n.error ? (
                  <div class="small text-bad" data-node-error>
                    {n.error}
                  </div>
                ) : null}
              </td>
              <td class="mono">
                {n.device}
                {(n.gpus ?? []).map((g) => (
                  <div key={g.index} class="muted small" data-gpu={g.index}>
                    {gpuLine(g)}
                  </div>
                ))}
              </td>
              <td>
                <div class="slots" role="img" aria-label={`${used} of ${n.slots} slots busy`}>
                  {Array.from({ length: Math.min(n.slots, 32) }, (_, i) => (
                    <span key={i} class={`slot${i < used ? ' slot-busy' : ''}`} />
                  ))}
                </div>
                <span class="small">
                  {used} busy · {n.slots - used} free
                </span>
                {(n.work ?? []).map((w) => (
                  <div key={w.id} class="small" data-work={w.kind}>
                    <WorkLine work={w} />
                  </div>
                ))}
              </td>
              <td class={n.heartbeatAgeMs > 10_000 ? 'text-bad' : ''}>{duration(n.heartbeatAgeMs)} ago</td>
              <td>{n.backends.join(', ') || '—'}</td>
              <td class="small">
                {n.models.join(', ') || (n.loadedModels?.length ? '' : '—')}
                {n.loadedModels?.length ? <div class="muted">in memory: {n.loadedModels.join(', ')}</div> : null}
              </td>
              <td class="mono small">{n.version || '—'}</td>
            </tr>
          );
        }}
      />
    </div>
  );
}
