import type { App } from '../data/types.js';
import { useResource } from '../data/use-resource.js';
import { DeploymentCard } from './deployments.js';

export function AppDeployment({ app }: { app: App }) {
  const deps = useResource(['deployments'], (a) => a.deployments(), 'deployments');
  const mine = (deps.data ?? []).filter((d) => d.affectedApps.includes(app.id));
  if (mine.length === 0) return <p className="empty panel">No deployment is changing {app.id} now.</p>;
  return (
    <>
      {mine.map((d) => (
        <DeploymentCard key={d.id} deployment={d} />
      ))}
    </>
  );
}
