import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { Can } from '../components/can.js';
import { Confirm } from '../components/confirm.js';
import { ProblemView } from '../components/problem-view.js';
import { RelTime } from '../components/rel-time.js';
import { useLive } from '../data/live.js';
import { problemOf } from '../data/problem.js';
import type { ApiProblem, App } from '../data/types.js';
import { useResource } from '../data/use-resource.js';
import { definitionLines, lineDiff } from '../model/line-diff.js';

/** Stored versions; one picked (`?tab=versions&v=`) is diffed side by side against the current one. */
export function AppVersions({ app }: { app: App }) {
  const { api } = useLive();
  const [params, setParams] = useSearchParams();
  const versions = useResource(['apps'], (a) => a.appVersions(app.id), `versions:${app.id}`);
  const picked = params.get('v') ?? undefined;
  const old = useResource(
    [],
    (a) => (picked ? a.appVersion(app.id, picked) : Promise.resolve(undefined)),
    `version:${app.id}:${picked}`,
  );
  const [confirm, setConfirm] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | undefined>(undefined);
  const [note, setNote] = useState('');
  const pick = (v: string) => {
    const next = new URLSearchParams(params);
    next.set('tab', 'versions');
    next.set('v', v);
    setParams(next);
  };
  const rows = old.data ? lineDiff(definitionLines(old.data), definitionLines(app)) : [];
  const changed = rows.filter((r) => r.kind !== 'same').length;
  return (
    <div className="grid" style={{ gridTemplateColumns: 'minmax(0, 240px) minmax(0, 1fr)' }}>
      <div className="panel">
        <h2 style={{ marginTop: 0 }}>Versions</h2>
        <ProblemView problem={versions.error} />
        <ul className="version-list" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
          {(versions.data ?? []).map((v) => (
            <li key={v}>
              <button
                type="button"
                className="link-button mono"
                aria-current={picked === v ? 'true' : undefined}
                style={{ fontWeight: picked === v ? 700 : 400 }}
                onClick={() => pick(v)}
              >
                {v.replace('T', ' ').slice(0, 23)}
              </button>{' '}
              {v === app.version ? <span className="muted">(current)</span> : <RelTime iso={v} />}
            </li>
          ))}
        </ul>
      </div>
      <div className="panel" style={{ minWidth: 0 }}>
        {note && (
          <p className="notice" role="status">
            {note}
          </p>
        )}
        <ProblemView problem={problem ?? old.error} />
        {!picked ? (
          <p className="muted">Pick a version to see what changed since it, and to roll back to it.</p>
        ) : !old.data ? (
          <p className="muted">Loading {picked}…</p>
        ) : (
          <>
            <div className="page-head">
              <h2 style={{ margin: 0, flex: 1 }}>
                {changed === 0
                  ? 'Same as the current version'
                  : `${changed} changed line${changed === 1 ? '' : 's'}`}
              </h2>
              <Can do="apps.write">
                <button
                  type="button"
                  className="primary"
                  disabled={picked === app.version}
                  onClick={() => setConfirm(true)}
                >
                  Roll back to this version
                </button>
              </Can>
            </div>
            <div className="diff" role="table" aria-label={`Version ${picked} against the current version`}>
              <div className="head" role="columnheader">
                {picked}
              </div>
              <div className="head" role="columnheader">
                current ({app.version})
              </div>
              {rows.flatMap((r, i) => {
                const left = r.kind === 'add' ? '' : r.left;
                const right = r.kind === 'del' ? '' : r.right;
                const lc = r.kind === 'del' || r.kind === 'change' ? 'del' : '';
                const rc = r.kind === 'add' || r.kind === 'change' ? 'add' : '';
                return [
                  // biome-ignore lint/suspicious/noArrayIndexKey: diff rows are positions, not items
                  <div key={`l${i}`} className={lc}>
                    {left}
                  </div>,
                  // biome-ignore lint/suspicious/noArrayIndexKey: diff rows are positions, not items
                  <div key={`r${i}`} className={rc}>
                    {right}
                  </div>,
                ];
              })}
            </div>
          </>
        )}
      </div>
      {confirm && picked && (
        <Confirm
          title={`Roll ${app.id} back to ${picked}?`}
          confirmLabel={`Roll back ${app.id}`}
          onCancel={() => setConfirm(false)}
          onConfirm={async () => {
            setConfirm(false);
            try {
              await api.rollbackApp(app.id, picked);
              setNote(`Rolling ${app.id} back to ${picked}: a new version is deploying.`);
              setProblem(undefined);
            } catch (err) {
              setProblem(problemOf(err));
            }
          }}
        >
          <p>The definition of {picked} becomes a new version, deployed under the upgrade strategy.</p>
        </Confirm>
      )}
    </div>
  );
}
