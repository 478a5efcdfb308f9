import type { Command } from 'commander';
import { registerUp } from './commands/up.js';

/** Registers one command on the program; `setExit` records the process exit status. */
export type RegisterCommand = (program: Command, setExit: (code: number) => void) => void;

export const COMMANDS: RegisterCommand[] = [registerUp];
