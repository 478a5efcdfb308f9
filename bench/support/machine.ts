/** What a bench result is qualified by: the machine, its load, and the versions compared. */
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';

export interface MachineInfo {
  nproc: number;
  cpu: string;
  memMb: number;
  node: string;
  loadavg: number[];
}

export function machine(): MachineInfo {
  return {
    nproc: availableParallelism(),
    cpu: cpus()[0]?.model ?? 'unknown',
    memMb: Math.round(totalmem() / 1024 / 1024),
    node: process.version,
    loadavg: loadavg().map((l) => Math.round(l * 100) / 100),
  };
}
