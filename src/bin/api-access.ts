/**
 * Who may use the API, for `drover up` and `drover master` alike: the credentials from the flags,
 * the `--auth-file` (reread on SIGHUP), the exposure rule (master-exposure.ts) and the audit log's
 * store and retention. Everything that can be wrong with the flags is found here, before anything
 * starts, and comes back as one line for the operator.
 */

import type { AuditDeps } from '../api/audit.js';
import { type ApiAuth, hasApiCredentials } from '../api/auth.js';
import { type AuthFile, AuthFileCheck, readAuthFile } from '../api/auth-file.js';
import { systemClock } from '../platform/clock.js';
import { systemIds } from '../platform/ids.js';
import type { Logger } from '../platform/logger.js';
import type { SecurityStoreOps } from '../store/security-port.js';
import { exposureProblem } from './master-exposure.js';

export interface ApiAccessConfig {
  host: string;
  auth: Pick<ApiAuth, 'basic' | 'bearerTokens'>;
  authFile?: string;
  insecure: boolean;
  /** Default 90. */
  auditRetentionDays?: number;
}

export interface ApiAccess {
  auth: ApiAuth;
  /**
   * Rereads the auth file on SIGHUP from now on (a bad file keeps the previous one, and the log
   * says why); returns the way to stop.
   */
  watchReloads(logger: Logger): () => void;
}

/** The API's access, or the reason it cannot start (missing credentials, a bad auth file). */
export function openApiAccess(
  cfg: ApiAccessConfig,
  extra: { hasAgentToken: boolean },
): ApiAccess | { problem: string } {
  let file: AuthFileCheck | undefined;
  if (cfg.authFile !== undefined) {
    try {
      file = new AuthFileCheck(readAuthFile(cfg.authFile));
    } catch (err) {
      return { problem: (err as Error).message };
    }
  }
  const auth: ApiAuth = { ...cfg.auth, ...(file ? { file: () => file as AuthFileCheck } : {}) };
  const problem = exposureProblem({
    host: cfg.host,
    hasApiCredentials: hasApiCredentials(auth),
    hasAgentToken: extra.hasAgentToken,
    insecure: cfg.insecure,
  });
  if (problem) return { problem };
  return {
    auth,
    watchReloads(logger: Logger): () => void {
      if (cfg.authFile === undefined) return () => undefined;
      const path = cfg.authFile;
      const onHup = () => {
        let next: AuthFile;
        try {
          next = readAuthFile(path);
        } catch (err) {
          logger.error(
            { reason: (err as Error).message },
            'auth file not reloaded: keeping the previous one',
          );
          return;
        }
        file = new AuthFileCheck(next);
        logger.info(
          { file: path, users: next.users.length, tokens: next.tokens.length },
          'auth file reloaded',
        );
      };
      process.on('SIGHUP', onHup);
      return () => process.off('SIGHUP', onHup);
    },
  };
}

export function auditDeps(
  store: Pick<SecurityStoreOps, 'appendAudit' | 'listAudit' | 'pruneAudit'>,
  retentionDays: number | undefined,
  logger: Logger,
): AuditDeps {
  return {
    store,
    clock: systemClock,
    newId: () => systemIds.uuid(),
    retentionMs: (retentionDays ?? 90) * 24 * 60 * 60 * 1000,
    logger,
  };
}
