import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { describeExit, terminalStatus, UNKNOWN_EXIT_MESSAGE } from './exit-status.js';

describe('exit status', () => {
  test('exit codes map to FINISHED / FAILED with Mesos wording', () => {
    assert.deepEqual(terminalStatus({ exitCode: 0, signal: null }, false), {
      state: 'TASK_FINISHED',
      message: 'Command exited with status 0',
      exitCode: 0,
    });
    assert.deepEqual(terminalStatus({ exitCode: 3, signal: null }, false), {
      state: 'TASK_FAILED',
      message: 'Command exited with status 3',
      exitCode: 3,
    });
  });

  test('signals are described as strsignal does', () => {
    assert.deepEqual(terminalStatus({ exitCode: null, signal: 'SIGKILL' }, false), {
      state: 'TASK_FAILED',
      message: 'Command terminated with signal Killed',
    });
    assert.equal(
      describeExit({ exitCode: null, signal: 'SIGSEGV' }),
      'Command terminated with signal Segmentation fault',
    );
    assert.equal(
      describeExit({ exitCode: null, signal: 'SIGWINCH' }),
      'Command terminated with signal SIGWINCH',
    );
  });

  test('a requested kill is TASK_KILLED however the task ended', () => {
    assert.equal(terminalStatus({ exitCode: null, signal: 'SIGTERM' }, true).state, 'TASK_KILLED');
    assert.equal(terminalStatus({ exitCode: 0, signal: null }, true).state, 'TASK_KILLED');
    assert.equal(terminalStatus({ exitCode: 143, signal: null }, true).state, 'TASK_KILLED');
  });

  test('an exit nobody could observe (re-adopted process) is TASK_FAILED with a clear message', () => {
    assert.deepEqual(terminalStatus({ exitCode: null, signal: null }, false), {
      state: 'TASK_FAILED',
      message: UNKNOWN_EXIT_MESSAGE,
    });
    assert.match(UNKNOWN_EXIT_MESSAGE, /re-adopted; exit status unknown/);
    assert.equal(terminalStatus({ exitCode: null, signal: null }, true).state, 'TASK_KILLED');
  });
});

describe('memory limit', () => {
  test('an OOM kill is TASK_FAILED with the memory-limit reason and the limit in the message', () => {
    const status = terminalStatus({ exitCode: null, signal: 'SIGKILL', memoryLimitMib: 48 }, false);
    assert.equal(status.state, 'TASK_FAILED');
    assert.equal(status.reason, 'REASON_CONTAINER_LIMITATION_MEMORY');
    assert.match(status.message, /^Memory limit exceeded: .*memory limit of 48 MiB.*signal Killed/);
  });

  test('a kill the master asked for stays TASK_KILLED even when the group also hit its limit', () => {
    const status = terminalStatus({ exitCode: null, signal: 'SIGKILL', memoryLimitMib: 48 }, true);
    assert.equal(status.state, 'TASK_KILLED');
    assert.equal(status.reason, undefined);
  });
});
