import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { lookupUser, parsePasswd } from './passwd.js';

const PASSWD = [
  'root:x:0:0:root:/root:/bin/bash',
  '# a comment:x:1:1:c:/c:/bin/sh',
  '',
  'broken line without fields',
  'toofew:x:5:5:/home/toofew:/bin/sh',
  'baduid:x:abc:100::/home/baduid:/bin/sh',
  'negative:x:-1:100::/home/negative:/bin/sh',
  'huge:x:4294967295:100::/home/huge:/bin/sh',
  '+nisuser::::::',
  'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin',
  'alice:x:1000:1001:Alice,,,:/home/alice:/bin/bash\r',
  '1001:x:2000:2000:a user named by digits:/home/digits:/bin/sh',
  'bob:x:1001:1001::/home/bob:/bin/sh',
].join('\n');

describe('passwd parser', () => {
  const entries = parsePasswd(PASSWD);

  test('keeps well-formed entries only, in file order', () => {
    assert.deepEqual(
      entries.map((e) => e.name),
      ['root', 'nobody', 'alice', '1001', 'bob'],
    );
  });

  test('finds a user by name with uid, gid and home', () => {
    assert.deepEqual(lookupUser(entries, 'nobody'), {
      name: 'nobody',
      uid: 65534,
      gid: 65534,
      home: '/nonexistent',
    });
    assert.deepEqual(lookupUser(entries, 'alice'), {
      name: 'alice',
      uid: 1000,
      gid: 1001,
      home: '/home/alice',
    });
  });

  test('finds a user by numeric uid', () => {
    assert.equal(lookupUser(entries, '1000')?.name, 'alice');
    assert.equal(lookupUser(entries, '0')?.name, 'root');
  });

  test('a name made of digits wins over the uid it spells', () => {
    assert.equal(lookupUser(entries, '1001')?.uid, 2000);
  });

  test('unknown users and uids are undefined', () => {
    assert.equal(lookupUser(entries, 'mallory'), undefined);
    assert.equal(lookupUser(entries, '4242'), undefined);
    assert.equal(lookupUser(entries, ''), undefined);
  });

  test('malformed lines never match, even by their name', () => {
    for (const name of ['toofew', 'baduid', 'negative', 'huge', '+nisuser', '# a comment']) {
      assert.equal(lookupUser(entries, name), undefined, name);
    }
  });
});
