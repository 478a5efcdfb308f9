/** Every `drover` command, in help order. */
import { registerAgent } from './commands/agent.js';
import { registerHashPassword } from './commands/hash-password.js';
import { registerMaster } from './commands/master.js';
import { registerUp } from './commands/up.js';
import type { RegisterCommand } from './register-command.js';

export const COMMANDS: RegisterCommand[] = [registerUp, registerMaster, registerAgent, registerHashPassword];
