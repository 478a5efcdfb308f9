/**
 * Agents in the web UI against a real `drover up`: draining an agent from its card shows its
 * tasks moving to the other agent, live.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DroverProcess } from '../support/drover-process.js';
import { waitFor } from '../support/wait-for.js';
import { UiSession } from './browser-session.js';

test('agents: draining an agent shows its tasks moving to the other one', { timeout: 180_000 }, async (t) => {
  const drover = await DroverProcess.startFor(t);
  await drover.api.json('POST', '/v2/apps', {
    id: '/spread',
    cmd: 'sleep 600',
    instances: 4,
    cpus: 0.05,
    mem: 16,
    portDefinitions: [],
    taskKillGracePeriodSeconds: 1,
  });
  const agents = await waitFor(
    async () => {
      const { agents } = await drover.api.get<{
        agents: Array<{ id: string; tasks: Array<{ state: string }> }>;
      }>('/v2/agents');
      const running = agents.map((a) => a.tasks.filter((x) => x.state === 'TASK_RUNNING').length);
      return running.reduce((a, b) => a + b, 0) === 4 && running.every((n) => n > 0) ? agents : undefined;
    },
    { what: '4 tasks running, on both agents', timeoutMs: 60_000 },
  );
  const [from, to] = agents as unknown as [{ id: string }, { id: string }];
  const ui = await UiSession.open(t, drover, 'agents');
  const page = ui.page;
  await ui.goto('/agents');
  const fromCard = page.locator(`[data-agent-id="${from.id}"]`);
  const toCard = page.locator(`[data-agent-id="${to.id}"]`);
  await fromCard.locator('.agent-tasks li').first().waitFor();
  const before = await toCard.locator('.agent-tasks li').count();
  await ui.shoot('agents', (p) => p.locator('.agent-tasks li').first().waitFor());

  await fromCard.getByRole('button', { name: 'Drain' }).click();
  await page
    .locator('dialog[open]')
    .getByRole('button', { name: /^Drain / })
    .click();
  await fromCard.locator('.badge', { hasText: 'draining' }).waitFor();
  // The page is not reloaded: the cards follow the event stream.
  await waitFor(async () => (await fromCard.locator('.agent-tasks li').count()) === 0, {
    what: `the drained agent's card to list no task`,
    timeoutMs: 90_000,
    intervalMs: 250,
  });
  await waitFor(
    async () => (await toCard.locator('.agent-tasks li .badge', { hasText: 'running' }).count()) === 4,
    {
      what: 'the other agent to list all 4 tasks running',
      timeoutMs: 90_000,
      intervalMs: 250,
    },
  );
  assert.ok(before < 4);
  await ui.shoot('agents-drained', (p) => p.locator('.agent-tasks li').first().waitFor());
  await fromCard.getByRole('button', { name: 'Undrain' }).click();
  await page
    .locator('dialog[open]')
    .getByRole('button', { name: /^Undrain / })
    .click();
  await fromCard.locator('.badge', { hasText: 'up' }).waitFor();
  ui.assertNoErrors();
});
