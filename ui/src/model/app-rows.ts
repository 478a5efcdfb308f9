// The apps table's rows: filtered by id and label, sorted, and (sorted by id) with a row per group
// above its apps so the tree reads top-down.
import type { App, QueueItem } from '../data/types.js';
import { appStatus, type Status } from './status.js';

export type SortKey = 'id' | 'status' | 'instances' | 'cpus' | 'mem';

export type AppRow =
  | { kind: 'group'; id: string; depth: number; count: number }
  | { kind: 'app'; app: App; status: Status; depth: number };

export interface RowQuery {
  search: string;
  label: string;
  sort: SortKey;
  desc: boolean;
}

const STATUS_ORDER = ['Unhealthy', 'Delayed', 'Waiting', 'Deploying', 'Running', 'Suspended'];

export function appRows(apps: App[], queue: QueueItem[], q: RowQuery): AppRow[] {
  const queued = new Map(queue.map((i) => [i.app.id, i]));
  const search = q.search.trim().toLowerCase();
  const [labelKey, labelValue] = q.label.includes('=') ? q.label.split('=', 2) : [q.label, undefined];
  const picked = apps.filter((a) => {
    if (search && !a.id.toLowerCase().includes(search)) return false;
    if (labelKey) {
      const v = a.labels?.[labelKey.trim()];
      if (v === undefined) return false;
      if (labelValue !== undefined && v !== labelValue.trim()) return false;
    }
    return true;
  });
  const rows = picked.map((app) => ({ app, status: appStatus(app, queued.get(app.id)) }));
  const key = (r: (typeof rows)[number]): string | number => {
    switch (q.sort) {
      case 'status':
        return STATUS_ORDER.indexOf(r.status.word);
      case 'instances':
        return r.app.instances;
      case 'cpus':
        return r.app.cpus;
      case 'mem':
        return r.app.mem;
      default:
        return r.app.id;
    }
  };
  rows.sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    const c = ka < kb ? -1 : ka > kb ? 1 : a.app.id < b.app.id ? -1 : 1;
    return q.desc ? -c : c;
  });
  if (q.sort !== 'id') return rows.map((r) => ({ kind: 'app', ...r, depth: 0 }));
  return withGroups(rows);
}

function withGroups(rows: Array<{ app: App; status: Status }>): AppRow[] {
  const counts = new Map<string, number>();
  for (const r of rows) for (const g of groupsOf(r.app.id)) counts.set(g, (counts.get(g) ?? 0) + 1);
  const out: AppRow[] = [];
  const shown = new Set<string>();
  for (const r of rows) {
    const groups = groupsOf(r.app.id);
    groups.forEach((g, depth) => {
      if (!shown.has(g)) {
        shown.add(g);
        out.push({ kind: 'group', id: g, depth, count: counts.get(g) ?? 0 });
      }
    });
    out.push({ kind: 'app', ...r, depth: groups.length });
  }
  return out;
}

/** `/a/b/web` -> [`/a`, `/a/b`]. */
export function groupsOf(id: string): string[] {
  const parts = id.split('/').filter(Boolean);
  return parts.slice(0, -1).map((_, i) => `/${parts.slice(0, i + 1).join('/')}`);
}
