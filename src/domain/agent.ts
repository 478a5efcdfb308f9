/** Resources an agent offers. Port ranges are inclusive [lo, hi] pairs, as Mesos writes them. */
export interface Resources {
  cpus: number;
  mem: number;
  disk: number;
  ports: Array<[number, number]>;
}

export interface AgentCapabilities {
  docker: boolean;
  /**
   * The agent runs `privileged` Docker containers (started with --allow-privileged). Absent from
   * agents older than the field: they are taken not to.
   */
  privileged?: boolean;
  /**
   * Process tasks run in cgroups holding them to their `mem` and `cpus` (`--enforce-limits` on a
   * machine whose cgroups are writable). False or absent: `mem` and `cpus` only place tasks.
   */
  limits?: boolean;
}

export interface AgentInfo {
  id: string;
  hostname: string;
  /** Address that task ports are reachable on (what goes in a task's `host`). */
  address: string;
  resources: Resources;
  attributes: Record<string, string>;
  capabilities: AgentCapabilities;
  /** Epoch ms. */
  registeredAt: number;
  lastHeartbeatAt: number;
  connected: boolean;
  draining?: boolean;
}
