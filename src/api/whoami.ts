/**
 * `GET /v2/whoami` (Drover extension): the caller's credential name and role, so a client (the web
 * UI) can offer only what the role may do instead of learning it from 403s. Every role may ask;
 * on an API without credentials the caller is the anonymous admin.
 */
import type { FastifyInstance } from 'fastify';
import { principalOf } from './auth.js';

export function registerWhoami(app: FastifyInstance): void {
  app.get('/v2/whoami', async (req) => {
    const who = principalOf(req);
    return { name: who.name, role: who.role, logs: who.role !== 'viewer' || who.logs === true };
  });
}
