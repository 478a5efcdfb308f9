/**
 * The rest of `drover up`'s startup banner, after its `API on ...` and Docker lines (which tests
 * and scripts read): where the UI is, how to point the CLI at this master, how to stop.
 */
export function upBanner(o: { url: string; dataDir: string }): string {
  const cli = o.url === 'http://127.0.0.1:8080' ? 'drover status' : `DROVER_URL=${o.url} drover status`;
  return [
    `drover up: UI on ${o.url}/ui/`,
    `drover up: try \`${cli}\`; stop with Ctrl-C (SIGINT or SIGTERM stop the tasks; state stays in ${o.dataDir})`,
  ].join('\n');
}
