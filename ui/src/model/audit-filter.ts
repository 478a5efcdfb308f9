// The audit page's filters (kept in the query string): who, method, refused or not, and text
// found in the path or the object the call names. Pure, over the entries the page read.
import type { AuditEntry } from '../../../src/client/index.js';

export interface AuditFilter {
  who?: string;
  method?: string;
  /** ok: 2xx and 3xx; refused: 4xx and 5xx. */
  outcome?: 'ok' | 'refused';
  text?: string;
}

export function filterAudit(entries: readonly AuditEntry[], f: AuditFilter): AuditEntry[] {
  const text = f.text?.trim().toLowerCase() ?? '';
  return entries.filter(
    (e) =>
      (!f.who || e.who === f.who) &&
      (!f.method || e.method === f.method) &&
      (!f.outcome || (f.outcome === 'ok') === e.status < 400) &&
      (text === '' || `${e.path} ${e.target ?? ''}`.toLowerCase().includes(text)),
  );
}

/** The distinct values of a field, sorted, for the filter's choices. */
export function choices(entries: readonly AuditEntry[], field: 'who' | 'method'): string[] {
  return [...new Set(entries.map((e) => e[field]))].sort();
}
