import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type SseMessage, SseParser } from './sse-parser.js';

function parse(chunks: string[]): { messages: SseMessage[]; comments: string[]; retry: number[] } {
  const out = { messages: [] as SseMessage[], comments: [] as string[], retry: [] as number[] };
  const p = new SseParser({
    message: (m) => out.messages.push(m),
    comment: (c) => out.comments.push(c),
    retry: (ms) => out.retry.push(ms),
  });
  for (const c of chunks) p.feed(c);
  return out;
}

test('messages split anywhere, CRLF/CR/LF endings, multi-line data, comments, retry', () => {
  const wire =
    'id: 1\nevent: a\ndata: {"x":1}\n\n: heartbeat\n\nid: 2\r\nevent: b\r\ndata: l1\r\ndata: l2\r\n\r\nretry: 500\rdata:no-space\r\r';
  for (const size of [1, 2, 3, 7, wire.length]) {
    const chunks: string[] = [];
    for (let i = 0; i < wire.length; i += size) chunks.push(wire.slice(i, i + size));
    const out = parse(chunks);
    assert.deepEqual(
      out.messages,
      [
        { id: '1', event: 'a', data: '{"x":1}' },
        { id: '2', event: 'b', data: 'l1\nl2' },
        { id: '2', event: 'message', data: 'no-space' },
      ],
      `chunk size ${size}`,
    );
    assert.deepEqual(out.comments, ['heartbeat']);
    assert.deepEqual(out.retry, [500]);
  }
});

test('a message without data is not dispatched; an unfinished one waits for its blank line', () => {
  const out = parse(['event: x\n\n', 'data: partial\n']);
  assert.deepEqual(out.messages, []);
});
