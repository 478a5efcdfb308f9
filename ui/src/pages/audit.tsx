import { useSearchParams } from 'react-router';
import { Badge } from '../components/badge.js';
import { ProblemView } from '../components/problem-view.js';
import { RelTime } from '../components/rel-time.js';
import { useLive } from '../data/live.js';
import { useResource } from '../data/use-resource.js';
import { type AuditFilter, choices, filterAudit } from '../model/audit-filter.js';
import { allows } from '../model/permissions.js';
import { plural } from '../model/plural.js';

/** Entries read at once; the master keeps them for --audit-retention-days. */
const LIMIT = 1000;
/** Rows drawn at once; the filters narrow the rest down. */
const SHOWN = 300;

/**
 * The audit log (admins): who called what, when, from where and what the master answered, newest
 * first. Writes are what it records, so it is re-read when the stream says something changed.
 */
export function AuditPage() {
  const { who } = useLive();
  const [params, setParams] = useSearchParams();
  const mayRead = allows(who, 'audit.read');
  const audit = useResource(
    ['apps', 'deployments', 'jobs', 'agents'],
    (api) => (mayRead ? api.audit(LIMIT) : Promise.resolve([])),
    `audit:${mayRead}`,
  );
  if (who === undefined)
    return (
      <>
        <h1>Audit log</h1>
        <p className="muted">Checking what this sign-in may read…</p>
      </>
    );
  if (!mayRead)
    return (
      <>
        <h1>Audit log</h1>
        <ProblemView
          problem={{
            status: 403,
            message: `The audit log is for admins; you are signed in as ${who?.name} (${who?.role}).`,
            details: [],
          }}
        />
      </>
    );
  const f: AuditFilter = {
    ...(params.get('who') ? { who: params.get('who')! } : {}),
    ...(params.get('method') ? { method: params.get('method')! } : {}),
    ...(params.get('outcome') === 'ok' || params.get('outcome') === 'refused'
      ? { outcome: params.get('outcome') as 'ok' | 'refused' }
      : {}),
    ...(params.get('q') ? { text: params.get('q')! } : {}),
  };
  const all = audit.data ?? [];
  const rows = filterAudit(all, f);
  const set = (k: string, v: string) => {
    const next = new URLSearchParams(params);
    if (v === '') next.delete(k);
    else next.set(k, v);
    setParams(next, { replace: true });
  };
  return (
    <>
      <div className="page-head">
        <h1>Audit log</h1>
        <button type="button" onClick={audit.reload}>
          Refresh
        </button>
      </div>
      <div className="toolbar">
        <input
          type="search"
          aria-label="Filter by path or object"
          placeholder="path or object"
          value={params.get('q') ?? ''}
          onChange={(e) => set('q', e.target.value)}
        />
        <select aria-label="Who" value={f.who ?? ''} onChange={(e) => set('who', e.target.value)}>
          <option value="">anyone</option>
          {choices(all, 'who').map((w) => (
            <option key={w}>{w}</option>
          ))}
        </select>
        <select aria-label="Method" value={f.method ?? ''} onChange={(e) => set('method', e.target.value)}>
          <option value="">any method</option>
          {choices(all, 'method').map((m) => (
            <option key={m}>{m}</option>
          ))}
        </select>
        <select aria-label="Outcome" value={f.outcome ?? ''} onChange={(e) => set('outcome', e.target.value)}>
          <option value="">any outcome</option>
          <option value="ok">done</option>
          <option value="refused">refused</option>
        </select>
        <span className="muted" data-testid="audit-count">
          {rows.length === all.length
            ? plural(all.length, 'call')
            : `${rows.length} of ${plural(all.length, 'call')}`}
        </span>
      </div>
      <ProblemView problem={audit.error} />
      {audit.data && all.length === 0 ? (
        <p className="empty panel">
          No calls recorded yet. Every call that can change something (create, scale, run, drain…) appears
          here with who made it, refused ones too.
        </p>
      ) : (
        <div className="panel table-scroll">
          <table className="plain stack" aria-label="Audit log">
            <thead>
              <tr>
                <th>When</th>
                <th>Who</th>
                <th>Call</th>
                <th>Object</th>
                <th>Answer</th>
                <th className="hide-narrow">From</th>
              </tr>
            </thead>
            <tbody>
              {rows.slice(0, SHOWN).map((e, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: entries carry no id and rows hold no state
                <tr key={`${e.at}-${i}`} data-who={e.who} data-status={e.status}>
                  <td data-label="When">
                    <RelTime iso={e.at} />
                  </td>
                  <td data-label="Who">
                    {e.who} <span className="muted">({e.role})</span>
                  </td>
                  <td className="mono" data-label="Call">
                    {e.method} {e.path}
                  </td>
                  <td className="mono" data-label="Object">
                    {e.target ?? '–'}
                  </td>
                  <td data-label="Answer">
                    <Badge
                      status={{
                        word: `${e.status} ${e.status < 400 ? 'done' : 'refused'}`,
                        tone: e.status < 400 ? 'ok' : 'bad',
                      }}
                    />
                  </td>
                  <td className="hide-narrow mono">{e.remote}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {rows.length > SHOWN && (
            <p className="muted">
              The newest {SHOWN} of {rows.length} shown: narrow them down with the filters.
            </p>
          )}
        </div>
      )}
    </>
  );
}
