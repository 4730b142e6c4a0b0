import type { JSX } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { withQuery } from '../api';
import { ErrorNote, StatusBadge } from '../components/bits';
import { at, duration, int, metric, paramText, short } from '../format';
import { useFetch } from '../hooks';
import { Link, paths, setSearch } from '../router';
import { TRIAL_STATUSES, type Facets, type Trial, type TrialPage } from '@tinysweep/api-types';

export interface TableState {
  sort: string;
  order: 'asc' | 'desc';
  status: string;
  offset: number;
  limit: number;
  /** Equality filters on params: dotted path → value text. */
  filters: Record<string, string>;
}

const SIZES = [25, 50, 100];

/** Table state from the page's query string (so reload, back and shared links keep it). */
export function tableStateFrom(search: URLSearchParams): TableState {
  const filters: Record<string, string> = {};
  for (const [k, v] of search) if (k.startsWith('f.')) filters[k.slice(2)] = v;
  const limit = Number(search.get('size'));
  return {
    sort: search.get('sort') ?? 'ordinal',
    order: search.get('order') === 'desc' ? 'desc' : 'asc',
    status: search.get('status') ?? '',
    offset: Math.max(0, Number(search.get('offset')) || 0),
    limit: SIZES.includes(limit) ? limit : 50,
    filters,
  };
}

function writeState(s: TableState): void {
  const q = new URLSearchParams();
  if (s.sort !== 'ordinal') q.set('sort', s.sort);
  if (s.order !== 'asc') q.set('order', s.order);
  if (s.status) q.set('status', s.status);
  if (s.offset) q.set('offset', String(s.offset));
  if (s.limit !== 50) q.set('size', String(s.limit));
  for (const [k, v] of Object.entries(s.filters)) q.set(`f.${k}`, v);
  setSearch(q);
}

interface Column {
  key: string;
  label: string;
  title: string;
  sort?: string;
  cell: (t: Trial) => string | number | JSX.Element;
  numeric?: boolean;
}

export interface TrialsTableProps {
  sweepId: string;
  facets: Facets | undefined;
  objective: string;
  version: number;
  /** The latest version of trials pushed by the live stream: shown at once, before the page reloads. */
  live: Map<string, Trial>;
  selected: Set<string>;
  onToggle: (trialId: string) => void;
  onReady: (ready: boolean) => void;
  initial: TableState;
}

/** The sweep's trials, a page at a time from the server: sortable by any column, filterable by any parameter. */
export function TrialsTable(p: TrialsTableProps) {
  const [state, setState] = useState<TableState>(p.initial);
  const update = (patch: Partial<TableState>) => {
    const next = { ...state, offset: 0, ...patch };
    setState(next);
    writeState(next);
  };
  const query: Record<string, string | number> = { offset: state.offset, limit: state.limit, sort: state.sort, order: state.order, status: state.status };
  for (const [k, v] of Object.entries(state.filters)) query[`params.${k}`] = v;
  const url = withQuery(`/sweeps/${p.sweepId}/trials`, query);
  const { data, error, loading } = useFetch<TrialPage>(url, p.version);
  const ready = data !== undefined && !loading;
  useEffect(() => p.onReady(ready), [ready]);

  const params = (p.facets?.params ?? []).filter((f) => f.distinct > 1);
  const metrics = useMemo(() => {
    const names = new Set(p.facets?.metrics ?? []);
    for (const t of data?.items ?? []) for (const k of Object.keys(t.metrics ?? {})) names.add(k);
    return [p.objective, ...[...names].filter((n) => n !== p.objective).sort()].slice(0, 6);
  }, [p.facets, data, p.objective]);

  const columns: Column[] = [
    { key: 'ordinal', label: '#', title: 'Position in the sweep', sort: 'ordinal', numeric: true, cell: (t) => <Link href={paths.trial(t.id)}>#{t.ordinal}</Link> },
    { key: 'status', label: 'Status', title: 'Status', sort: 'status', cell: (t) => <StatusBadge status={t.status} /> },
    ...params.map(
      (f): Column => ({
        key: `p:${f.path}`,
        label: short(f.path),
        title: `params.${f.path}`,
        sort: `params.${f.path}`,
        numeric: f.numeric !== null,
        cell: (t) => paramText(at(t.params, f.path)),
      }),
    ),
    ...metrics.map(
      (m): Column => ({
        key: `m:${m}`,
        label: m,
        title: m === p.objective ? `${m} (the sweep's objective)` : m,
        sort: `metrics.${m}`,
        numeric: true,
        cell: (t) => <span class="mono">{metric(t.metrics?.[m])}</span>,
      }),
    ),
    { key: 'trainable', label: 'trainable', title: 'Trainable parameters', sort: 'trainableParams', numeric: true, cell: (t) => int(t.trainableParams) },
    { key: 'effective', label: 'effective', title: 'Effective (non-zero) parameters after pruning', sort: 'effectiveParams', numeric: true, cell: (t) => int(t.effectiveParams) },
    {
      key: 'time',
      label: 'time',
      title: 'Run time of the recorded attempt',
      sort: 'startedAt',
      numeric: true,
      cell: (t) => (t.startedAt ? duration((t.finishedAt ? new Date(t.finishedAt).getTime() : Date.now()) - new Date(t.startedAt).getTime()) : '—'),
    },
  ];

  const rows = (data?.items ?? []).map((t) => p.live.get(t.id) ?? t);
  const total = data?.total ?? 0;
  const from = total === 0 ? 0 : state.offset + 1;
  const to = Math.min(state.offset + state.limit, total);
  const filterCount = Object.keys(state.filters).length + (state.status ? 1 : 0);

  return (
    <section class="card card-wide" id="trials" aria-labelledby="trials-title" data-state={ready ? 'ready' : 'loading'}>
      <header class="card-head">
        <h2 id="trials-title">Trials</h2>
        <div class="card-actions muted small">{p.selected.size > 0 ? `${p.selected.size} selected for the curves · ` : 'tick trials to overlay their curves · '}sorted and paged on the server</div>
      </header>
      <div class="filters" role="group" aria-label="Filter trials">
        <label class="field" for="filter-status">
          <span>status</span>
          <select id="filter-status" value={state.status} onChange={(e) => update({ status: (e.target as HTMLSelectElement).value })}>
            <option value="">any</option>
            {TRIAL_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        {params.map((f) => {
          const id = `filter-${f.path.replace(/[^a-z0-9]+/gi, '-')}`;
          const value = state.filters[f.path] ?? '';
          const set = (v: string) => {
            const filters = { ...state.filters };
            if (v === '') delete filters[f.path];
            else filters[f.path] = v;
            update({ filters });
          };
          return (
            <label class="field" for={id} key={f.path}>
              <span title={`params.${f.path}`}>{short(f.path)}</span>
              {f.values.length === f.distinct ? (
                <select id={id} value={value} onChange={(e) => set((e.target as HTMLSelectElement).value)} data-path={f.path}>
                  <option value="">any</option>
                  {f.values.map((v) => (
                    <option key={v.value ?? '\0'} value={v.value ?? ''} disabled={v.value === null}>
                      {v.value ?? '—'} ({int(v.count)})
                    </option>
                  ))}
                </select>
              ) : (
                <input id={id} value={value} placeholder={`${int(f.distinct)} values`} onChange={(e) => set((e.target as HTMLInputElement).value.trim())} data-path={f.path} />
              )}
            </label>
          );
        })}
        {filterCount > 0 ? (
          <button type="button" class="btn btn-quiet" onClick={() => update({ filters: {}, status: '' })}>
            Clear filters
          </button>
        ) : null}
      </div>
      <ErrorNote error={error} />
      <div class="table-wrap" aria-busy={loading}>
        <table class="table table-trials" aria-label="Trials" aria-describedby="trials-range">
          <thead>
            <tr>
              <th scope="col" class="col-check">
                <span class="visually-hidden">Select for curves</span>
              </th>
              {columns.map((c) => {
                const active = state.sort === c.sort;
                return (
                  <th scope="col" key={c.key} class={c.numeric ? 'num' : ''} aria-sort={active ? (state.order === 'asc' ? 'ascending' : 'descending') : undefined}>
                    {c.sort ? (
                      <button
                        type="button"
                        class="sort"
                        title={`${c.title} — sort`}
                        data-sort={c.sort}
                        onClick={() => update({ sort: c.sort!, order: active ? (state.order === 'asc' ? 'desc' : 'asc') : c.key.startsWith('m:') ? 'desc' : 'asc' })}
                      >
                        {c.label}
                        <span aria-hidden="true" class="sort-mark">
                          {active ? (state.order === 'asc' ? '▲' : '▼') : ''}
                        </span>
                      </button>
                    ) : (
                      c.label
                    )}
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {rows.map((t) => (
              <tr key={t.id} data-trial={t.id} data-status={t.status}>
                <td class="col-check">
                  <input type="checkbox" checked={p.selected.has(t.id)} onChange={() => p.onToggle(t.id)} aria-label={`Overlay the curve of trial #${t.ordinal}`} />
                </td>
                {columns.map((c) => (
                  <td key={c.key} class={c.numeric ? 'num' : ''}>
                    {c.cell(t)}
                  </td>
                ))}
              </tr>
            ))}
            {data && rows.length === 0 ? (
              <tr>
                <td colSpan={columns.length + 1} class="empty">
                  No trial matches.
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
      <div class="pager">
        <span id="trials-range" class="muted" aria-live="polite">
          {int(from)}–{int(to)} of {int(total)} trials{filterCount > 0 ? ' (filtered)' : ''}
        </span>
        <label class="field field-inline" for="page-size">
          <span>per page</span>
          <select id="page-size" value={String(state.limit)} onChange={(e) => update({ limit: Number((e.target as HTMLSelectElement).value) })}>
            {SIZES.map((n) => (
              <option key={n} value={String(n)}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <button type="button" class="btn" data-page="prev" disabled={state.offset === 0} onClick={() => update({ offset: Math.max(0, state.offset - state.limit) })}>
          ← Previous
        </button>
        <button type="button" class="btn" data-page="next" disabled={to >= total} onClick={() => update({ offset: state.offset + state.limit })}>
          Next →
        </button>
      </div>
    </section>
  );
}
