import { useMemo, useState } from 'preact/hooks';
import { api, needsToken } from '../api';
import { curvesOption } from '../charts/options';
import { Card, Empty, ErrorNote, Select, StatusBadge } from '../components/bits';
import { Chart } from '../components/chart';
import { DataTable } from '../components/data-table';
import { askForToken, tokenReason } from '../components/token-dialog';
import { adapterNumbers, dateTime, duration, flatten, int, metric as fmt, paramText } from '../format';
import { useFetch, useThrottledVersion } from '../hooks';
import { useSweepEvents } from '../live';
import { Link, paths } from '../router';
import { TERMINAL_TRIAL_STATUSES, type Sweep, type TrialDetail, type TryResult } from '@tinysweep/api-types';

/** Copies text, with a fallback for pages that are not a secure context (plain http on a LAN). */
async function copyText(text: string): Promise<void> {
  if (navigator.clipboard && window.isSecureContext) {
    await navigator.clipboard.writeText(text);
    return;
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.appendChild(area);
  area.select();
  const ok = document.execCommand('copy');
  area.remove();
  if (!ok) throw new Error('the browser refused to copy');
}

/** One trial: parameters, curve, adapter values, log tail, error, attempts; retry; Try it. */
export function TrialPage({ id }: { id: string }) {
  const [version, bump] = useThrottledVersion(1000);
  const { data: t, error, reload } = useFetch<TrialDetail>(`/trials/${id}`, version);
  const sweep = useFetch<Sweep>(t ? `/sweeps/${t.sweepId}` : null);
  useSweepEvents(t?.sweepId ?? null, (e) => {
    if (e.type === 'trial' && e.trial.id === id) bump();
  });
  const [copied, setCopied] = useState('');
  const [actionError, setActionError] = useState<Error | undefined>(undefined);
  const [curveMetric, setCurveMetric] = useState('');

  const numbers = useMemo(() => (t ? adapterNumbers(t.adapter) : null), [t]);
  const [exportError, setExportError] = useState<Error | undefined>(undefined);
  const exportAs = (format: 'peft-lora' | 'merged') => {
    setExportError(undefined);
    api.download(`/trials/${id}/adapter?format=${format}`, `adapter-${format}.tar`).catch((err: unknown) => setExportError(err as Error));
  };
  const curveNames = useMemo(() => [...new Set((t?.curve ?? []).flatMap((p) => Object.keys(p.metrics)))].sort(), [t]);
  const shownMetric = curveMetric || curveNames.find((n) => n === 'loss') || curveNames[0] || '';
  const option = useMemo(
    () => (t && shownMetric ? curvesOption({ chosen: 'given', trials: [{ trialId: t.id, ordinal: t.ordinal, status: t.status, params: t.params, metrics: t.metrics, stored: t.curve.length, points: t.curve }] }, shownMetric) : null),
    [t, shownMetric],
  );

  if (error && !t) {
    return (
      <div class="page">
        <h1 tabIndex={-1}>Trial</h1>
        <ErrorNote error={error} />
      </div>
    );
  }
  if (!t) {
    return (
      <div class="page" data-page="trial" data-state="loading">
        <h1 tabIndex={-1}>Trial</h1>
      </div>
    );
  }

  const finished = TERMINAL_TRIAL_STATUSES.includes(t.status);
  const retry = async () => {
    setActionError(undefined);
    try {
      await api.post(`/trials/${id}/retry`);
      reload();
    } catch (err) {
      if (needsToken(err)) askForToken(tokenReason(err, 'Retrying'));
      setActionError(err as Error);
    }
  };
  const copy = async () => {
    try {
      await copyText(JSON.stringify(numbers));
      setCopied(`Copied ${numbers!.length} numbers.`);
    } catch (err) {
      setCopied(`Could not copy: ${(err as Error).message}`);
    }
  };

  return (
    <div class="page" data-page="trial" data-state="ready">
      <div class="page-head">
        <nav aria-label="Breadcrumb" class="crumbs">
          <Link href={paths.sweeps()}>Sweeps</Link> / <Link href={paths.sweep(t.sweepId)}>{sweep.data?.name ?? 'sweep'}</Link> /
        </nav>
        <div class="title-row">
          <h1 tabIndex={-1}>Trial #{t.ordinal}</h1>
          <StatusBadge status={t.status} />
          <div class="spacer" />
          {finished ? (
            <button type="button" class="btn" onClick={retry}>
              Retry
            </button>
          ) : null}
        </div>
        <ErrorNote error={actionError} />
        <dl class="facts">
          <div>
            <dt>Seed</dt>
            <dd>{t.seed}</dd>
          </div>
          {t.reusedFromTrialId ? (
            <div>
              <dt>Result</dt>
              <dd>
                reused from <Link href={paths.trial(t.reusedFromTrialId)}>{t.reusedFromTrialId.slice(0, 8)}</Link> (same config, model, data and engine)
              </dd>
            </div>
          ) : null}
          <div>
            <dt>Trainable / effective</dt>
            <dd>
              {int(t.trainableParams)} / {int(t.effectiveParams)}
            </dd>
          </div>
          <div>
            <dt>Ran</dt>
            <dd title={`${dateTime(t.startedAt)} → ${dateTime(t.finishedAt)}`}>
              {t.startedAt ? duration((t.finishedAt ? new Date(t.finishedAt).getTime() : Date.now()) - new Date(t.startedAt).getTime()) : 'not yet'}
              {t.trainerId ? <span class="muted small"> on {t.trainerId}</span> : null}
            </dd>
          </div>
          <div>
            <dt>Attempts</dt>
            <dd>{t.attempts}</dd>
          </div>
        </dl>
      </div>
      <div class="grid">
        <Card title="Result" id="result">
          {t.metrics && Object.keys(t.metrics).length > 0 ? (
            <table class="table table-kv" aria-label="Final metrics">
              <tbody>
                {Object.entries(t.metrics).map(([k, v]) => (
                  <tr key={k}>
                    <th scope="row">{k}</th>
                    <td class="mono num">{fmt(v)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <Empty>No metrics {finished ? 'were reported' : 'yet'}.</Empty>
          )}
          {t.error ? (
            <>
              <h3>Error</h3>
              <pre class="log log-error">{t.error}</pre>
            </>
          ) : null}
        </Card>
        <Card title="Parameters" id="params">
          <table class="table table-kv" aria-label="Parameters">
            <tbody>
              {flatten(t.params)
                .sort(([a], [b]) => a.localeCompare(b))
                .map(([k, v]) => (
                <tr key={k}>
                  <th scope="row">{k}</th>
                  <td class="mono">{paramText(v)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
        <Card
          title={numbers ? `Adapter: the ${numbers.length} number${numbers.length === 1 ? '' : 's'}` : 'Adapter'}
          id="adapter"
          actions={
            numbers ? (
              <>
                <button type="button" class="btn btn-primary" onClick={copy} data-action="copy-adapter">
                  Copy numbers
                </button>
                <button type="button" class="btn" data-action="download-adapter" onClick={() => void api.download(`/trials/${id}/adapter`, 'adapter.json').catch(() => undefined)}>
                  Download adapter file
                </button>
                {/* Other tools' forms (a tar of the directory): exported by the API from the base model it can read. */}
                <button type="button" class="btn" data-action="export-peft-lora" title="A PEFT LoRA directory (adapter_config.json + adapter_model.safetensors) that PEFT, transformers and vLLM load" onClick={() => exportAs('peft-lora')}>
                  PEFT LoRA
                </button>
                <button type="button" class="btn" data-action="export-merged" title="The base Hugging Face model with this adapter merged into its weights" onClick={() => exportAs('merged')}>
                  Merged model
                </button>
              </>
            ) : null
          }
        >
          <ErrorNote error={exportError} />
          {numbers ? (
            <>
              <ol class="numbers" aria-label="Adapter values">
                {numbers.slice(0, 1000).map((n, i) => (
                  <li key={i} class="mono">
                    {n}
                  </li>
                ))}
              </ol>
              {numbers.length > 1000 ? <p class="muted small">The first 1,000 of {int(numbers.length)} shown; copy or download for all.</p> : null}
              <p class="muted small" role="status" aria-live="polite">
                {copied}
              </p>
            </>
          ) : t.adapter !== null && t.adapter !== undefined ? (
            <pre class="log">{JSON.stringify(t.adapter, null, 2)}</pre>
          ) : (
            <Empty>{finished ? 'This trial reported no adapter.' : 'The adapter arrives when the trial succeeds.'}</Empty>
          )}
        </Card>
        <Card title="Learning curve" id="curve" actions={curveNames.length > 1 ? <Select id="trial-curve-metric" label="metric" value={shownMetric} options={curveNames.map((n) => ({ value: n, label: n }))} onChange={setCurveMetric} /> : null}>
          {option ? <Chart option={option} label={`learning curve (${shownMetric}) of trial #${t.ordinal}`} /> : <Empty>No curve points {finished ? 'were reported' : 'yet'}.</Empty>}
        </Card>
        <TryIt trialId={id} canTry={t.status === 'succeeded' && numbers !== null} />
        <Card title="Log tail" id="log" wide>
          {t.logTail ? <pre class="log">{t.logTail}</pre> : <Empty>No log lines {finished ? 'were kept' : 'yet'}.</Empty>}
        </Card>
        <Card title="Attempts" id="attempts" wide>
          <DataTable
            label="Attempts"
            columns={['#', 'Trainer', 'Started', 'Took', 'Outcome', 'Error']}
            rows={t.attemptHistory}
            empty="Not started yet."
            row={(a) => (
              <tr key={a.attempt}>
                <td>{a.attempt}</td>
                <td>{a.trainerId ?? '—'}</td>
                <td>{dateTime(a.startedAt)}</td>
                <td>{a.finishedAt ? duration(new Date(a.finishedAt).getTime() - new Date(a.startedAt).getTime()) : '—'}</td>
                <td>{a.outcome ? <StatusBadge status={a.outcome} /> : 'running'}</td>
                <td class="small">{a.error ?? ''}</td>
              </tr>
            )}
          />
        </Card>
      </div>
    </div>
  );
}

/**
 * Try it: the prompt through the base model and through the base model with this adapter, side by
 * side, generated greedily by a live trainer node (POST /trials/:id/try). Only a succeeded tinylora
 * trial has an adapter a trainer can run; the API says why otherwise, and the panel shows it.
 */
function TryIt({ trialId, canTry }: { trialId: string; canTry: boolean }) {
  const [prompt, setPrompt] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<TryResult | null>(null);
  const [error, setError] = useState<Error | undefined>(undefined);
  const run = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      setResult(await api.post<TryResult>(`/trials/${trialId}/try`, { prompt }));
    } catch (err) {
      if (needsToken(err)) askForToken(tokenReason(err, 'Generating'));
      setResult(null);
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };
  const shown = result?.completions[0];
  const state = busy ? 'busy' : error ? 'error' : result ? 'done' : 'idle';
  return (
    <Card title="Try it" id="try" wide>
      <form class="try" onSubmit={run} data-state={state}>
        <label class="field field-wide" for="try-prompt">
          <span>Prompt</span>
          <textarea id="try-prompt" rows={3} value={prompt} onInput={(e) => setPrompt((e.target as HTMLTextAreaElement).value)} placeholder="One day, there was a little girl named" />
        </label>
        <button type="submit" class="btn btn-primary" disabled={busy || !canTry || prompt.trim() === ''}>
          {busy ? 'Generating…' : 'Generate with base and adapter'}
        </button>
      </form>
      <p class="muted small">
        {canTry
          ? "A trainer node that has the base model continues the prompt greedily, without and with this adapter, in one batch; the prompt is laid out and the output cut as in the trial's own evaluation."
          : 'Only a succeeded tinylora trial has an adapter a trainer can run.'}
      </p>
      {error ? (
        <p class="note note-error" role="alert">
          {error.message}
        </p>
      ) : null}
      <div class="try-out" aria-live="polite" aria-busy={busy}>
        <div>
          <h3>Base model</h3>
          <pre class="log" data-side="base">{shown?.base ?? ''}</pre>
        </div>
        <div>
          <h3>With this adapter</h3>
          <pre class="log" data-side="adapted">{shown?.adapted ?? ''}</pre>
        </div>
      </div>
      {result ? (
        <p class="muted small" data-try="meta">
          {result.maxNewTokens} tokens at most · trainer {result.node.id}
          {result.node.modelCacheHit ? ' (model cached)' : ' (model loaded for this)'} · {result.timing.generateSeconds.toFixed(2)} s generating, {result.timing.seconds.toFixed(2)} s in all
        </p>
      ) : null}
    </Card>
  );
}
