/** What a MasterNode under test needs besides its store and election: quiet, on the given clock. */

import type { Clock } from '../../platform/clock.js';
import { systemIds, systemRandom } from '../../platform/ids.js';
import { silentLogger } from '../../platform/logger.js';
import type { MasterNodeOptions } from '../leadership/master-node.js';

export const TEST_NODE_URL = 'http://127.0.0.1:1';

export function testNodeDeps(clock: Clock): MasterNodeOptions['deps'] {
  return {
    clock,
    ids: systemIds,
    random: systemRandom,
    logger: silentLogger(),
    http: { host: '127.0.0.1', port: 1 },
  };
}
