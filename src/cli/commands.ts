/** Every `drover` command, in help order. */
import { registerAgent } from './commands/agent.js';
import { registerAgents } from './commands/agents.js';
import { registerApp } from './commands/app.js';
import { registerCompletion } from './commands/completion.js';
import { registerDeploy } from './commands/deploy.js';
import { registerDeployment } from './commands/deployment.js';
import { registerEvents } from './commands/events.js';
import { registerHashPassword } from './commands/hash-password.js';
import { registerJob } from './commands/job.js';
import { registerMaster } from './commands/master.js';
import { registerRouter } from './commands/router.js';
import { registerStatus } from './commands/status.js';
import { registerUp } from './commands/up.js';
import type { RegisterCommand } from './register-command.js';

export const COMMANDS: RegisterCommand[] = [
  registerUp,
  registerMaster,
  registerAgent,
  registerRouter,
  registerStatus,
  registerApp,
  registerDeploy,
  registerDeployment,
  registerJob,
  registerAgents,
  registerEvents,
  registerCompletion,
  registerHashPassword,
];
