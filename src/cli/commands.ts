/** Every `drover` command, in help order. */
import { registerUp } from './commands/up.js';
import type { RegisterCommand } from './register-command.js';

export const COMMANDS: RegisterCommand[] = [registerUp];
