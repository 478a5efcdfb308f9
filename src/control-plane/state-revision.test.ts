import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RevisedMap, StateRevision } from './state-revision.js';

describe('RevisedMap', () => {
  it('counts sets, deletes of present keys and clears of non-empty maps', () => {
    const rev = new StateRevision();
    const m = new RevisedMap<string, number>(rev);
    m.set('a', 1).set('a', 2);
    assert.equal(rev.value, 2);
    assert.equal(m.delete('zz'), false);
    assert.equal(rev.value, 2);
    m.delete('a');
    assert.equal(rev.value, 3);
    m.clear();
    assert.equal(rev.value, 3);
    m.set('b', 1);
    m.clear();
    assert.equal(rev.value, 5);
    assert.equal(m.size, 0);
  });
});
