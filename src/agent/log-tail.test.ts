import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { readTail, startOfLastLines } from './log-tail.js';
import { tempDir } from './testing/temp-dir.js';

let dir: { path: string; remove: () => Promise<void> };
let n = 0;
before(async () => {
  dir = await tempDir();
});
after(() => dir.remove());

async function file(content: string | Buffer): Promise<string> {
  const path = join(dir.path, `log${++n}`);
  await writeFile(path, content);
  return path;
}

describe('readTail', () => {
  test('last N lines, keeping the trailing newline', async () => {
    const path = await file('a\nb\nc\n');
    assert.equal(await readTail(path, 2), 'b\nc\n');
    assert.equal(await readTail(path, 1), 'c\n');
    assert.equal(await readTail(path, 3), 'a\nb\nc\n');
    assert.equal(await readTail(path, 10), 'a\nb\nc\n');
  });

  test('a last line without newline counts as a line', async () => {
    const path = await file('a\nb\nc');
    assert.equal(await readTail(path, 1), 'c');
    assert.equal(await readTail(path, 2), 'b\nc');
  });

  test('zero lines, empty files, whole files', async () => {
    assert.equal(await readTail(await file('a\n'), 0), '');
    assert.equal(await readTail(await file(''), 5), '');
    assert.equal(await readTail(await file('x\ny'), undefined), 'x\ny');
  });

  test('empty lines are lines', async () => {
    assert.equal(await readTail(await file('a\n\n\n'), 2), '\n\n');
  });

  test('reads only the end of a large file', async () => {
    const lines = Array.from({ length: 200_000 }, (_, i) => `line ${i}`);
    const path = await file(lines.join('\n') + '\n');
    assert.equal(await readTail(path, 3), 'line 199997\nline 199998\nline 199999\n');
  });

  test('the byte cap drops the cut line, with or without a line count', async () => {
    const path = await file('0123456789\nabcdefghij\nKLMNOPQRST\n');
    // 15 bytes from the end: "hij\nKLMNOPQRST\n" -> the partial "hij" line is dropped.
    assert.equal(await readTail(path, undefined, 15), 'KLMNOPQRST\n');
    assert.equal(await readTail(path, 3, 15), 'KLMNOPQRST\n');
    assert.equal(await readTail(path, 1, 15), 'KLMNOPQRST\n');
  });

  test('the cap never splits a multi-byte character', async () => {
    const path = await file('ééééé\nüü\n');
    // 6 bytes from the end land inside the first line's é characters.
    assert.equal(await readTail(path, undefined, 6), 'üü\n');
  });

  test('missing files reject with ENOENT', async () => {
    await assert.rejects(readTail(join(dir.path, 'nope'), 1), { code: 'ENOENT' });
  });
});

describe('startOfLastLines', () => {
  test('finds line starts from the end', () => {
    assert.equal(startOfLastLines(Buffer.from('a\nb\nc\n'), 1), 4);
    assert.equal(startOfLastLines(Buffer.from('a\nb\nc\n'), 2), 2);
    assert.equal(startOfLastLines(Buffer.from('a\nb\nc\n'), 3), undefined);
    assert.equal(startOfLastLines(Buffer.from('\n'), 1), undefined);
    assert.equal(startOfLastLines(Buffer.from(''), 1), undefined);
  });
});
