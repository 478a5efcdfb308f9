import type { App } from '../data/types.js';

/** Healthy / unhealthy / running / staged against wanted, as one bar and in words. */
export function InstanceBar({ app }: { app: App }) {
  const want = Math.max(app.instances, 1);
  const healthy = app.tasksHealthy ?? 0;
  const unhealthy = app.tasksUnhealthy ?? 0;
  const running = Math.max(0, (app.tasksRunning ?? 0) - healthy - unhealthy);
  const staged = app.tasksStaged ?? 0;
  const total = Math.max(want, healthy + unhealthy + running + staged);
  const pct = (n: number) => `${(n / total) * 100}%`;
  const words = [`${app.tasksRunning ?? 0}/${app.instances} running`];
  if ((app.healthChecks?.length ?? 0) > 0) words.push(`${healthy} healthy`);
  if (unhealthy > 0) words.push(`${unhealthy} unhealthy`);
  if (staged > 0) words.push(`${staged} staged`);
  return (
    <span
      className="instances"
      title={words.join(', ')}
      data-healthy={healthy}
      data-running={app.tasksRunning ?? 0}
    >
      <span className="bar" aria-hidden="true">
        <span className="ok" style={{ width: pct(healthy) }} />
        <span className="ok" style={{ width: pct(running), opacity: 0.55 }} />
        <span className="bad" style={{ width: pct(unhealthy) }} />
        <span className="busy" style={{ width: pct(staged) }} />
      </span>
      <span className="instance-words">{words.join(' · ')}</span>
    </span>
  );
}
