import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { parseSecretKey, SecretCipher } from './secret-cipher.js';

test('sealed values open with the same key and name only, and never show the value', () => {
  const key = randomBytes(32);
  const c = new SecretCipher(key);
  const sealed = c.seal('db', 'hunter2');
  assert.ok(!sealed.includes('hunter2'));
  assert.notEqual(c.seal('db', 'hunter2'), sealed, 'a fresh IV each time');
  assert.equal(c.open('db', sealed), 'hunter2');
  assert.throws(() => c.open('other', sealed), /cannot be opened/);
  assert.throws(() => new SecretCipher(randomBytes(32)).open('db', sealed), /cannot be opened/);
  const [v, iv, tag, ct] = sealed.split('.');
  const flipped = Buffer.from(ct!, 'base64');
  flipped[0] = (flipped[0] ?? 0) ^ 1;
  assert.throws(
    () => c.open('db', [v, iv, tag, flipped.toString('base64')].join('.')),
    (e: Error) => !e.message.includes('hunter2'),
  );
});

test('key files: raw 32 bytes, hex or base64; anything else is refused', () => {
  const key = randomBytes(32);
  assert.deepEqual(parseSecretKey(key), key);
  assert.deepEqual(parseSecretKey(Buffer.from(`${key.toString('hex')}\n`)), key);
  assert.deepEqual(parseSecretKey(Buffer.from(key.toString('base64'))), key);
  assert.ok('problem' in (parseSecretKey(Buffer.from('short')) as object));
});
