import { useParams } from 'react-router';
import { AppDetailPage } from './app-detail.js';
import { TaskLogPage } from './task-log.js';

/** `/apps/<id>` and `/apps/<id>/tasks/<task>`: app ids are paths, so the split is by hand. */
export function AppRoute() {
  const splat = useParams()['*'] ?? '';
  const cut = splat.lastIndexOf('/tasks/');
  if (cut >= 0) return <TaskLogPage appId={`/${splat.slice(0, cut)}`} taskId={splat.slice(cut + 7)} />;
  return <AppDetailPage appId={`/${splat.replace(/\/+$/, '')}`} />;
}
