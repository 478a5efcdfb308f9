/**
 * Marathon serves some resources as JSON or text/plain by the Accept header. JSON wins unless the
 * client asked for text/plain explicitly and ranked it above JSON: `curl` (Accept: *\/*) gets
 * JSON, as from Marathon; haproxy-marathon-bridge (Accept: text/plain) gets text.
 */
export function prefersTextPlain(accept: string | undefined): boolean {
  if (!accept) return false;
  let text = -1;
  let json = -1;
  for (const part of accept.split(',')) {
    const [type = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const qParam = params.find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (Number.isNaN(q)) continue;
    if (type === 'text/plain') text = Math.max(text, q);
    if (type === 'application/json') json = Math.max(json, q);
  }
  return text > 0 && text > json;
}
