import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { encodeFrame, FrameDemuxer, type FrameStream } from './log-frames.js';

const text = (frames: { stream: FrameStream; data: Buffer }[]) =>
  frames.map((f) => `${f.stream}:${f.data.toString()}`);

test('frames split across chunks come out whole and in order', () => {
  const wire = Buffer.concat([encodeFrame('stdout', 'hello\n'), encodeFrame('stderr', 'oops\n')]);
  const d = new FrameDemuxer();
  const out = [...d.push(wire.subarray(0, 3)), ...d.push(wire.subarray(3, 11)), ...d.push(wire.subarray(11))];
  assert.deepEqual(text(out), ['stdout:hello\n', 'stderr:oops\n']);
  assert.equal(d.buffered, 0);
});

test('an empty frame and a stdin frame are harmless', () => {
  const d = new FrameDemuxer();
  const stdin = Buffer.from([0, 0, 0, 0, 0, 0, 0, 1, 0x41]);
  const out = d.push(Buffer.concat([encodeFrame('stdout', ''), stdin, encodeFrame('stdout', 'x')]));
  assert.deepEqual(text(out), ['stdout:', 'stdout:x']);
});

test('a cut-off frame stays buffered', () => {
  const d = new FrameDemuxer();
  const wire = encodeFrame('stderr', 'abcdef');
  assert.deepEqual(d.push(wire.subarray(0, 10)), []);
  assert.equal(d.buffered, 10);
});

test('any chunking of any frames yields the same frames', () => {
  const frame = fc.record({
    stream: fc.constantFrom<FrameStream>('stdout', 'stderr'),
    data: fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a)),
  });
  fc.assert(
    fc.property(
      fc.array(frame, { maxLength: 10 }),
      fc.array(fc.nat(60), { maxLength: 20 }),
      (frames, cuts) => {
        const wire = Buffer.concat(frames.map((f) => encodeFrame(f.stream, f.data)));
        const points = [...new Set(cuts.map((c) => c % (wire.length + 1)))].sort((a, b) => a - b);
        const d = new FrameDemuxer();
        const out: { stream: FrameStream; data: Buffer }[] = [];
        let prev = 0;
        for (const p of [...points, wire.length]) {
          out.push(...d.push(wire.subarray(prev, p)));
          prev = p;
        }
        assert.deepEqual(
          out.map((f) => [f.stream, f.data.toString('hex')]),
          frames.map((f) => [f.stream, f.data.toString('hex')]),
        );
      },
    ),
  );
});
