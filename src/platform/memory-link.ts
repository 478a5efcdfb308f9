import type { AgentLink, AgentToMaster, Link, MasterLink, MasterToAgent } from '../domain/agent-protocol.js';

/**
 * An in-memory agent <-> master connection for `drover up` and simulations. Messages are
 * deep-copied through JSON so nothing can rely on sharing objects that a network would not share,
 * and delivered asynchronously (microtask) as a socket would.
 */
export function createMemoryLinkPair(): { agentEnd: AgentLink; masterEnd: MasterLink } {
  const a = endpoint<AgentToMaster, MasterToAgent>();
  const m = endpoint<MasterToAgent, AgentToMaster>();
  a.peer = m;
  m.peer = a;
  return { agentEnd: a.link, masterEnd: m.link };
}

interface Endpoint<Out, In> {
  link: Link<Out, In>;
  peer?: Endpoint<In, Out>;
  deliver(msg: In): void;
  closed(): void;
}

function endpoint<Out, In>(): Endpoint<Out, In> {
  const handlers: Array<(msg: In) => void> = [];
  const closeHandlers: Array<() => void> = [];
  let open = true;
  const ep: Endpoint<Out, In> = {
    deliver(msg) {
      if (!open) return;
      for (const h of handlers) h(msg);
    },
    closed() {
      if (!open) return;
      open = false;
      for (const h of closeHandlers) h();
    },
    link: {
      send(msg) {
        if (!open) return;
        const copy = JSON.parse(JSON.stringify(msg)) as Out;
        queueMicrotask(() => ep.peer?.deliver(copy));
      },
      sendEncoded(_msg, encoded) {
        if (!open) return;
        const copy = JSON.parse(encoded) as Out;
        queueMicrotask(() => ep.peer?.deliver(copy));
      },
      onMessage(h) {
        handlers.push(h);
      },
      onClose(h) {
        closeHandlers.push(h);
      },
      close() {
        queueMicrotask(() => {
          ep.closed();
          ep.peer?.closed();
        });
      },
    },
  };
  return ep;
}
