import { Link, useSearchParams } from 'react-router';
import { Badge } from '../components/badge.js';
import { Can } from '../components/can.js';
import { InstanceBar } from '../components/instance-bar.js';
import { ProblemView } from '../components/problem-view.js';
import { VirtualList } from '../components/virtual-list.js';
import { useResource } from '../data/use-resource.js';
import { type AppRow, appRows, type SortKey } from '../model/app-rows.js';
import { plural } from '../model/plural.js';

const ROW = 44;
const SORTS: Array<[SortKey, string]> = [
  ['id', 'ID'],
  ['status', 'Status'],
  ['instances', 'Instances'],
  ['cpus', 'CPUs'],
  ['mem', 'Memory'],
];

export function AppsPage() {
  const [params, setParams] = useSearchParams();
  const search = params.get('search') ?? '';
  const label = params.get('label') ?? '';
  const sort = (params.get('sort') as SortKey | null) ?? 'id';
  const desc = params.get('desc') === '1';
  const apps = useResource(['apps'], (api) => api.apps(), 'apps');
  const queue = useResource(['queue'], (api) => api.queue(), 'queue');
  const rows = appRows(apps.data ?? [], queue.data ?? [], { search, label, sort, desc });
  const set = (k: string, v: string) => {
    const next = new URLSearchParams(params);
    if (v === '') next.delete(k);
    else next.set(k, v);
    setParams(next, { replace: true });
  };
  const sortBy = (k: SortKey) => {
    const next = new URLSearchParams(params);
    next.set('sort', k);
    if (k === sort && !desc) next.set('desc', '1');
    else next.delete('desc');
    setParams(next, { replace: true });
  };
  const appCount = rows.filter((r) => r.kind === 'app').length;
  return (
    <>
      <div className="page-head">
        <h1>Apps</h1>
        <Can do="apps.write">
          <Link className="button primary" to="/create/app?mode=form">
            Create app
          </Link>
          <Link className="button" to="/create/app?mode=json">
            Create from JSON
          </Link>
        </Can>
      </div>
      <div className="toolbar">
        <input
          type="search"
          aria-label="Filter by id"
          placeholder="Filter by id"
          value={search}
          onChange={(e) => set('search', e.target.value)}
        />
        <input
          type="search"
          aria-label="Filter by label"
          placeholder="label or label=value"
          value={label}
          onChange={(e) => set('label', e.target.value)}
        />
        <span className="muted" data-testid="app-count">
          {appCount === (apps.data?.length ?? 0)
            ? plural(appCount, 'app')
            : `${appCount} of ${plural(apps.data?.length ?? 0, 'app')}`}
        </span>
      </div>
      <ProblemView problem={apps.error} />
      {apps.data && apps.data.length === 0 ? (
        <div className="empty panel">
          No apps yet. <Link to="/create/app?mode=form">Create one</Link>, or from a shell:
          <code>
            curl -X POST localhost:8080/v2/apps -H 'Content-Type: application/json' -d '
            {'{"id":"/web","cmd":"node examples/http-echo.js","cpus":0.1,"mem":32}'}'
          </code>
        </div>
      ) : (
        <VirtualList
          items={rows}
          rowHeight={ROW}
          height={Math.max(240, window.innerHeight - 220)}
          label="Apps"
          header={
            <div className="vrow vhead apps-row" role="row" style={{ height: 36 }}>
              {SORTS.map(([k, name]) => (
                <span
                  key={k}
                  role="columnheader"
                  className={k === 'cpus' || k === 'mem' ? 'wide' : undefined}
                  aria-sort={sort === k ? (desc ? 'descending' : 'ascending') : 'none'}
                >
                  <button type="button" className="link-button" onClick={() => sortBy(k)}>
                    {name}
                    {sort === k ? (desc ? ' ▼' : ' ▲') : ''}
                  </button>
                </span>
              ))}
              <span role="columnheader" className="wide">
                Image or command
              </span>
              <span role="columnheader" className="wide">
                Labels
              </span>
            </div>
          }
          render={(row) => <AppsRow key={row.kind + (row.kind === 'app' ? row.app.id : row.id)} row={row} />}
        />
      )}
    </>
  );
}

function AppsRow({ row }: { row: AppRow }) {
  if (row.kind === 'group')
    return (
      <div
        className="vrow apps-row group-row"
        role="row"
        style={{ height: ROW, paddingLeft: 10 + row.depth * 14 }}
      >
        <span role="cell" className="muted">
          ▾ {row.id}/ <span className="muted">({row.count})</span>
        </span>
      </div>
    );
  const { app, status } = row;
  const what = app.container?.docker?.image ?? app.cmd ?? (app.args ?? []).join(' ');
  const labels = Object.entries(app.labels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  return (
    <div className="vrow apps-row" role="row" style={{ height: ROW }} data-app-id={app.id}>
      <span role="cell" style={{ paddingLeft: row.depth * 14 }}>
        <Link to={`/apps${app.id}`} className="mono" title={app.id}>
          {row.depth > 0 ? app.id.slice(app.id.lastIndexOf('/') + 1) : app.id.slice(1)}
        </Link>
      </span>
      <span role="cell">
        <Badge status={status} />
      </span>
      <span role="cell">
        <InstanceBar app={app} />
      </span>
      <span role="cell" className="wide">
        {app.cpus}
      </span>
      <span role="cell" className="wide">
        {app.mem} MiB
      </span>
      <span role="cell" className="wide mono" title={what}>
        {what}
      </span>
      <span role="cell" className="wide mono" title={labels}>
        {labels}
      </span>
    </div>
  );
}
