import { useState } from 'react';
import { Link } from 'react-router';
import { Badge } from '../components/badge.js';
import { Can } from '../components/can.js';
import { Confirm } from '../components/confirm.js';
import { ProblemView } from '../components/problem-view.js';
import { RelTime } from '../components/rel-time.js';
import { useLive } from '../data/live.js';
import { problemOf } from '../data/problem.js';
import type { Agent, ApiProblem } from '../data/types.js';
import { useResource } from '../data/use-resource.js';
import { plural } from '../model/plural.js';
import { taskStatus } from '../model/status.js';

export function AgentsPage() {
  const agents = useResource(['agents'], (a) => a.agents(), 'agents');
  const list = agents.data ?? [];
  return (
    <>
      <div className="page-head">
        <h1>Agents</h1>
      </div>
      <ProblemView problem={agents.error} />
      {list.length > 0 && (
        <div className="topology" title="Topology: one cell per agent, filled by its allocated CPU share">
          {list.map((a) => {
            const share = a.resources.total.cpus > 0 ? a.resources.used.cpus / a.resources.total.cpus : 0;
            return (
              <a
                key={a.id}
                className="cell"
                href={`#agent-${a.id}`}
                title={`${a.hostname}: ${Math.round(share * 100)}% of CPUs allocated`}
              >
                <span className="fill" style={{ height: `${Math.min(100, share * 100)}%` }} />
                <span>{a.hostname}</span>
              </a>
            );
          })}
        </div>
      )}
      {agents.data && list.length === 0 && (
        <p className="empty panel">
          No agent has registered. Start one with{' '}
          <code>drover agent --master http://this-master:8080 --token …</code>
        </p>
      )}
      <div className="grid">
        {list.map((a) => (
          <AgentCard key={a.id} agent={a} onChanged={agents.reload} />
        ))}
      </div>
    </>
  );
}

function AgentCard({ agent: a, onChanged }: { agent: Agent; onChanged: () => void }) {
  const { api } = useLive();
  const [ask, setAsk] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | undefined>(undefined);
  const state = !a.connected
    ? { word: 'disconnected', tone: 'bad' as const }
    : a.draining
      ? { word: 'draining', tone: 'wait' as const }
      : { word: 'up', tone: 'ok' as const };
  return (
    <section className="panel" id={`agent-${a.id}`} aria-label={`Agent ${a.hostname}`} data-agent-id={a.id}>
      <div className="page-head">
        <h2 style={{ margin: 0, flex: 1 }} className="mono">
          {a.hostname}
        </h2>
        <Badge status={state} />
        <Can do="agents.drain">
          <button type="button" onClick={() => setAsk(true)}>
            {a.draining ? 'Undrain' : 'Drain'}
          </button>
        </Can>
      </div>
      <Meter label="CPUs" used={a.resources.used.cpus} total={a.resources.total.cpus} unit="" />
      <Meter label="Memory" used={a.resources.used.mem} total={a.resources.total.mem} unit=" MiB" />
      <Meter label="Disk" used={a.resources.used.disk} total={a.resources.total.disk} unit=" MiB" />
      <dl className="kv" style={{ marginTop: 8 }}>
        <dt>Address</dt>
        <dd className="mono">{a.address}</dd>
        <dt>Attributes</dt>
        <dd className="mono">
          {Object.entries(a.attributes)
            .map(([k, v]) => `${k}:${v}`)
            .join(' ') || '–'}
        </dd>
        <dt>Capabilities</dt>
        <dd className="mono">{capabilityWords(a.capabilities)}</dd>
        <dt>Heartbeat</dt>
        <dd>
          <RelTime iso={a.lastHeartbeatAt} />
        </dd>
      </dl>
      <h3 style={{ fontSize: 14, margin: '10px 0 4px' }}>Tasks ({a.tasks.length})</h3>
      <ul className="agent-tasks" style={{ margin: 0, paddingLeft: 18 }}>
        {a.tasks.map((t) => (
          <li key={t.id} data-task-id={t.id}>
            {t.job ? (
              <Link to={`/jobs/${encodeURIComponent(t.job)}`}>job {t.job}</Link>
            ) : (
              <Link to={`/apps${t.appId}`} className="mono">
                {t.appId}
              </Link>
            )}{' '}
            <Badge status={taskStatus(t.state)} />
          </li>
        ))}
      </ul>
      <ProblemView problem={problem} />
      {ask && (
        <Confirm
          title={a.draining ? `Undrain ${a.hostname}?` : `Drain ${a.hostname}?`}
          confirmLabel={a.draining ? `Undrain ${a.hostname}` : `Drain ${a.hostname}`}
          onCancel={() => setAsk(false)}
          onConfirm={async () => {
            setAsk(false);
            try {
              if (a.draining) await api.undrainAgent(a.id);
              else await api.drainAgent(a.id);
              // Draining itself sends no event (only the task moves it causes do).
              onChanged();
            } catch (err) {
              setProblem(problemOf(err));
            }
          }}
        >
          <p>
            {a.draining
              ? 'The agent takes new tasks again.'
              : `No new tasks go to ${a.hostname}; its ${plural(a.tasks.length, 'task')} are replaced on other agents under each app's upgrade strategy.`}
          </p>
        </Confirm>
      )}
    </section>
  );
}

function Meter({ label, used, total, unit }: { label: string; used: number; total: number; unit: string }) {
  const pct = total > 0 ? Math.min(100, (used / total) * 100) : 0;
  const tone = pct > 90 ? 'bad' : pct > 70 ? 'wait' : 'ok';
  return (
    <div className="meter">
      <span>{label}</span>
      <span
        className="bar"
        role="meter"
        aria-label={label}
        aria-valuenow={used}
        aria-valuemin={0}
        aria-valuemax={total}
      >
        <span className={tone} style={{ width: `${pct}%` }} />
      </span>
      <span className="mono">
        {Math.round(used * 100) / 100}/{Math.round(total * 100) / 100}
        {unit}
      </span>
    </div>
  );
}

/** `{docker: true, privileged: false}` -> "docker". */
function capabilityWords(c: unknown): string {
  if (Array.isArray(c)) return c.join(' ') || '–';
  if (c && typeof c === 'object')
    return (
      Object.entries(c)
        .filter(([, v]) => v === true)
        .map(([k]) => k)
        .join(' ') || 'none'
    );
  return '–';
}
