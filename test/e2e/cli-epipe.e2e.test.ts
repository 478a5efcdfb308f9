/**
 * `drover ... | head`: the reader leaving early is not a failure of the command. Before, commander's
 * next write hit EPIPE and node printed an unhandled 'error' stack trace.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { promisify } from 'node:util';

const run = promisify(execFile);

test('help piped into a reader that is already gone: exit 0, no stack trace', async () => {
  // `true` exits without reading long before node has started, so the help's write gets EPIPE.
  const { stdout, stderr } = await run('bash', [
    '-c',
    'set -o pipefail; node bin/drover.js app --help | true; echo "exit=$?"',
  ]);
  assert.equal(stdout, 'exit=0\n');
  assert.doesNotMatch(stderr, /EPIPE|Unhandled/);
});
