// Import direction (DESIGN.md §5.4): pure cores import only domain; edges never import each other's
// insides; cli/ and ui/ reach a master only through client/. No cycles anywhere.
const pure = '^src/(domain|scheduler|deploy|schedules|routing)/';
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'pure-cores-import-only-pure',
      comment: 'scheduler/, deploy/, schedules/ and domain/ are pure: no I/O adapters, no platform clock',
      severity: 'error',
      from: { path: pure, pathNot: '\\.test\\.ts$' },
      to: {
        pathNot: [pure, '(^|node_modules/)(typebox|luxon|croner)(/|$)'],
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'pure-cores-no-node-builtins',
      severity: 'error',
      from: { path: pure, pathNot: '\\.test\\.ts$' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'cli-only-through-client',
      severity: 'error',
      from: { path: '^src/cli/' },
      to: { path: '^src/(api|store|control-plane|agent|scheduler|deploy|schedules)/' },
    },
    {
      name: 'client-only-domain-and-itself',
      comment:
        'the client is shared with the browser UI: it sees domain types, the pure schedule code (job-schedule.ts shows what the master will run) and its own files, no server code',
      severity: 'error',
      from: { path: '^src/client/' },
      to: { path: '^src/', pathNot: '^src/(client|domain|schedules)/' },
    },
    {
      name: 'client-browser-safe',
      comment:
        'src/client/ outside node/ runs in the browser: no node: builtins, no npm packages but the browser-safe date libraries the schedule code uses',
      severity: 'error',
      from: { path: '^src/client/', pathNot: '^src/client/node/' },
      to: {
        dependencyTypes: ['core', 'npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg', 'npm-unknown'],
        pathNot: '(^|node_modules/)(luxon|croner)(/|$)',
      },
    },
    {
      name: 'ui-only-through-client',
      comment: 'the web UI reaches a master only through src/client/ (domain types allowed)',
      severity: 'error',
      from: { path: '^ui/' },
      to: { path: '^src/', pathNot: '^src/(client|domain)/' },
    },
    {
      name: 'store-not-above',
      severity: 'error',
      from: { path: '^src/store/' },
      to: { path: '^src/(api|control-plane|agent|cli|client|bin)/' },
    },
    {
      name: 'agent-not-master',
      comment: 'an agent runs on a worker machine: it never imports master code',
      severity: 'error',
      from: { path: '^src/agent/' },
      to: { path: '^src/(api|control-plane|store|cli|bin)/' },
    },
    {
      name: 'test-support-only-in-tests',
      comment:
        'test-support/ and testing/ folders are test helpers (left out of dist): only tests import them',
      severity: 'error',
      from: { path: '^src/', pathNot: '(^|/)(test-support|testing)/' },
      to: { path: '^src/.*/(test-support|testing)/' },
    },
    {
      name: 'nothing-imports-bin',
      severity: 'error',
      from: { pathNot: '^src/(bin|cli)/' },
      to: { path: '^src/bin/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    exclude: { path: '\\.test\\.ts$|\\.contract\\.ts$' },
  },
};
