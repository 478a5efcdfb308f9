import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { withStatementCache } from './statement-cache.js';

describe('SQLite statement cache', () => {
  it('hands out the kept statement for the same text, re-prepares after eviction, and still runs queries', () => {
    const db = withStatementCache(new Database(':memory:'), 2);
    const a = db.prepare('select 1 as one');
    assert.equal(db.prepare('select 1 as one'), a);
    db.prepare('select 2');
    db.prepare('select 3'); // evicts 'select 1 as one', the oldest
    const again = db.prepare('select 1 as one');
    assert.notEqual(again, a);
    assert.deepEqual((again as unknown as Database.Statement).all(), [{ one: 1 }]);
    db.close();
  });

  it('a kept statement sees a table changed by a later migration', () => {
    const raw = new Database(':memory:');
    const db = withStatementCache(raw);
    raw.exec('create table t (a integer)');
    raw.exec('insert into t values (1)');
    assert.deepEqual((db.prepare('select * from t') as unknown as Database.Statement).all(), [{ a: 1 }]);
    raw.exec('alter table t add column b integer default 7');
    assert.deepEqual((db.prepare('select * from t') as unknown as Database.Statement).all(), [
      { a: 1, b: 7 },
    ]);
    db.close();
  });
});
