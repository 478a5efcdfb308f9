/**
 * Marathon serves `/v2/events` only to clients that accept `text/event-stream` (Jetty's
 * EventSourceServlet); anything else, `*\/*` included, gets 405. We accept the type anywhere in
 * the list, with parameters or a q-value, as long as it is not refused with q=0.
 */
export function acceptsEventStream(accept: string | string[] | undefined): boolean {
  if (accept === undefined) return false;
  const list = Array.isArray(accept) ? accept.join(',') : accept;
  for (const part of list.split(',')) {
    const [type = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    if (type !== 'text/event-stream') continue;
    const q = params.find((p) => p.startsWith('q='));
    if (q === undefined || Number(q.slice(2)) > 0) return true;
  }
  return false;
}
