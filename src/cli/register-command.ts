import type { Command } from 'commander';

/** Registers one command on the program; `setExit` records the process exit status. */
export type RegisterCommand = (program: Command, setExit: (code: number) => void) => void;
