import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RouteTable } from '../domain/agent-protocol.js';
import { silentLogger } from '../platform/logger.js';
import { FakeClock } from '../platform/testing/fake-clock.js';
import type { Iptables } from './kernel-chains.js';
import { KernelRouter, userspaceView } from './kernel-router.js';
import { kernelChains } from './kernel-rules.js';
import { route } from './testing/route-fixture.js';

/** iptables that records what it is asked and lets the test decide when a restore returns. */
class FakeIptables implements Iptables {
  readonly restores: string[] = [];
  readonly commands: string[][] = [];
  private waiting: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];
  auto = true;
  restore(text: string): Promise<void> {
    this.restores.push(text);
    if (this.auto) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }
  async nat(args: string[]): Promise<string> {
    this.commands.push(args);
    return '';
  }
  natSync(args: string[]): void {
    this.commands.push(args);
  }
  finish(err?: Error): void {
    const w = this.waiting.shift();
    assert.ok(w, 'a restore is waiting');
    if (err) w.reject(err);
    else w.resolve();
  }
  get pending(): number {
    return this.waiting.length;
  }
}

const turns = async (n = 20) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};

async function open(iptables: FakeIptables, clock = new FakeClock()) {
  const userspace: RouteTable[] = [];
  let closed = false;
  const router = await KernelRouter.open({
    address: '127.0.0.1',
    chains: kernelChains(99999, 3),
    iptables,
    clock,
    logger: silentLogger(),
    userspace: {
      apply: (t) => {
        userspace.push(t);
      },
      close: async () => {
        closed = true;
      },
      boundPorts: () => [],
      bindFailures: () => [],
    },
  });
  return { router, userspace, clock, closed: () => closed };
}

test('settled() resolves only after the restore of that table returned; a burst costs one restore', async () => {
  const ipt = new FakeIptables();
  const { router, userspace } = await open(ipt);
  assert.equal(ipt.restores.length, 1, 'the setup restore');
  ipt.auto = false;
  const t1: RouteTable = { routes: [route(10555, [31001])] };
  router.apply(t1);
  let live1 = false;
  void router.settled().then(() => {
    live1 = true;
  });
  await turns();
  assert.equal(ipt.pending, 1);
  assert.equal(live1, false, 'not live before iptables-restore returned');
  // Two more tables while the first is written: the next write takes the newest one only.
  router.apply({ routes: [route(10555, [31001, 31002])] });
  const t3: RouteTable = { routes: [route(10555, [31002])] };
  router.apply(t3);
  let live3 = false;
  void router.settled().then(() => {
    live3 = true;
  });
  ipt.finish();
  await turns();
  assert.equal(live1, true);
  assert.equal(live3, false);
  assert.equal(ipt.pending, 1);
  assert.match(ipt.restores.at(-1)!, /--to-destination 127\.0\.0\.1:31002\n/);
  assert.doesNotMatch(ipt.restores.at(-1)!, /31001/);
  ipt.finish();
  await turns();
  assert.equal(live3, true);
  assert.equal(ipt.restores.length, 3, 'setup, t1, t3: the middle table never written');
  // The userspace router got every table, TCP backends left to the kernel.
  assert.deepEqual(userspace.at(-1), userspaceView(t3));
  assert.deepEqual(userspace.at(-1)!.routes[0]!.backends, []);
});

test('a failed restore rejects settled() and is retried; the same rules are not written twice', async () => {
  const ipt = new FakeIptables();
  const { router, clock } = await open(ipt);
  ipt.auto = false;
  const t: RouteTable = { routes: [route(10555, [31001])] };
  router.apply(t);
  const first = router.settled();
  await turns();
  ipt.finish(new Error('iptables-restore exited 1'));
  await assert.rejects(first, /exited 1/);
  await clock.advance(2_000);
  await turns();
  assert.equal(ipt.pending, 1, 'retried after retryMs');
  const retried = router.settled();
  ipt.finish();
  await retried;
  ipt.auto = true;
  router.apply(t);
  await router.settled();
  assert.equal(ipt.restores.length, 3, 'setup, failed write, retry; the unchanged table not again');
});

test('close() waits for the write in flight, then removes the jumps and chains, then the listeners', async () => {
  const ipt = new FakeIptables();
  const { router, closed } = await open(ipt);
  ipt.auto = false;
  router.apply({ routes: [route(10555, [31001])] });
  await turns();
  const closing = router.close();
  await turns();
  assert.equal(ipt.commands.length, 0, 'nothing removed while a write is in flight');
  ipt.finish();
  await closing;
  assert.deepEqual(ipt.commands, [
    ['-D', 'OUTPUT', '-m', 'comment', '--comment', 'drover-router', '-j', 'DROVER-99999-3'],
    ['-D', 'PREROUTING', '-m', 'comment', '--comment', 'drover-router', '-j', 'DROVER-99999-3'],
    ['-D', 'POSTROUTING', '-m', 'comment', '--comment', 'drover-router', '-j', 'DROVER-99999-3-MASQ'],
    ['-F', 'DROVER-99999-3'],
    ['-F', 'DROVER-99999-3-MASQ'],
    ['-X', 'DROVER-99999-3'],
    ['-X', 'DROVER-99999-3-MASQ'],
  ]);
  assert.equal(closed(), true);
  router.apply({ routes: [] });
  assert.equal(ipt.restores.length, 2, 'nothing written after close');
});
