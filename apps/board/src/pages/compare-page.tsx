import { useMemo } from 'preact/hooks';
import { withQuery } from '../api';
import { Card, ErrorNote, StatusBadge } from '../components/bits';
import { DataTable } from '../components/data-table';
import { configInterval } from '../charts/options';
import { int, metric as fmt } from '../format';
import { useFetch } from '../hooks';
import { Link, paths, useLocation } from '../router';
import type { ConfigPage, ConfigSummary, Sweep } from '@tinysweep/api-types';

/** A config's identity across sweeps: the values of the parameters its sweep varies. */
const configKey = (c: ConfigSummary) => JSON.stringify(Object.entries(c.config).sort(([a], [b]) => a.localeCompare(b)));

interface Row {
  key: string;
  label: string;
  a?: ConfigSummary;
  b?: ConfigSummary;
}

/** Two sweeps side by side (`/board/compare?a=…&b=…`): each config's mean and interval in both, and the change. */
export function ComparePage() {
  const { search } = useLocation();
  const a = search.get('a') ?? '';
  const b = search.get('b') ?? '';
  const sa = useFetch<Sweep>(a ? `/sweeps/${a}` : null);
  const sb = useFetch<Sweep>(b ? `/sweeps/${b}` : null);
  const metricName = sa.data?.metric;
  const ca = useFetch<ConfigPage>(a && metricName ? withQuery(`/sweeps/${a}/configs`, { metric: metricName, limit: 500 }) : null);
  const cb = useFetch<ConfigPage>(b && metricName ? withQuery(`/sweeps/${b}/configs`, { metric: metricName, limit: 500 }) : null);

  const rows = useMemo(() => {
    const out = new Map<string, Row>();
    for (const c of ca.data?.items ?? []) out.set(configKey(c), { key: configKey(c), label: c.label, a: c });
    for (const c of cb.data?.items ?? []) {
      const row = out.get(configKey(c));
      if (row) row.b = c;
      else out.set(configKey(c), { key: configKey(c), label: c.label, b: c });
    }
    return [...out.values()];
  }, [ca.data, cb.data]);
  const axes = (p: ConfigPage | undefined) => [...new Set((p?.items ?? []).flatMap((c) => Object.keys(c.config)))].sort().join(', ');
  const sameAxes = ca.data && cb.data ? axes(ca.data) === axes(cb.data) : true;
  const ready = sa.data && sb.data && ca.data && cb.data;
  const cell = (c: ConfigSummary | undefined) => {
    if (!c?.summary) return <span class="muted">—</span>;
    const { ci, label } = configInterval(c.summary);
    return (
      <span title={label}>
        <span class="mono">{fmt(c.summary.mean)}</span> {ci ? <span class="muted small mono">[{fmt(ci[0])}, {fmt(ci[1])}]</span> : null} <span class="muted small">n={int(c.summary.n)}</span>
      </span>
    );
  };
  return (
    <div class="page" data-page="compare" data-state={ready ? 'ready' : 'loading'}>
      <div class="page-head">
        <nav aria-label="Breadcrumb" class="crumbs">
          <Link href={paths.sweeps()}>Sweeps</Link> /
        </nav>
        <h1 tabIndex={-1}>Compare two sweeps</h1>
        <ErrorNote error={sa.error ?? sb.error ?? ca.error ?? cb.error} />
        <dl class="facts">
          {[sa.data, sb.data].map((s, i) =>
            s ? (
              <div key={s.id}>
                <dt>{i === 0 ? 'A' : 'B'}</dt>
                <dd>
                  <Link href={paths.sweep(s.id)}>{s.name}</Link> <StatusBadge status={s.status} /> <span class="muted small">{int(s.trialCount)} trials</span>
                </dd>
              </div>
            ) : null,
          )}
          <div>
            <dt>Metric</dt>
            <dd>
              {metricName ?? '—'} {sa.data ? <span class="muted small">{sa.data.maximize ? 'higher is better' : 'lower is better'}</span> : null}
            </dd>
          </div>
        </dl>
        {!sameAxes ? (
          <p class="note" role="note" data-role="axes-differ">
            The sweeps vary different parameters (A: {axes(ca.data) || 'none'}; B: {axes(cb.data) || 'none'}): configs are matched where those values agree.
          </p>
        ) : null}
      </div>
      <Card title={`${metricName ?? 'metric'} per config: A, B and the change`} id="compare" wide>
        <DataTable
          label="Configs of both sweeps"
          columns={['Config', 'A', 'B', { label: 'Δ (B − A)', class: 'num' }]}
          rows={rows}
          empty={ready ? 'Neither sweep has a config with a result.' : null}
          row={(r) => {
            const d = r.a?.summary && r.b?.summary ? r.b.summary.mean - r.a.summary.mean : undefined;
            const better = d === undefined || d === 0 || !sa.data ? '' : (d > 0) === sa.data.maximize ? 'delta-better' : 'delta-worse';
            return (
              <tr key={r.key} data-config={r.label}>
                <td>{r.label || <span class="muted">(the one config)</span>}</td>
                <td>{cell(r.a)}</td>
                <td>{cell(r.b)}</td>
                <td class={`num mono ${better}`} data-role="delta">
                  {d === undefined ? '—' : `${d > 0 ? '+' : ''}${fmt(d)}`}
                </td>
              </tr>
            );
          }}
        />
        <p class="small muted">Intervals: pooled Wilson 95% over all held-out items and seeds for accuracies, else the t 95% interval of the mean over seeds (from 3 seeds).</p>
      </Card>
    </div>
  );
}
