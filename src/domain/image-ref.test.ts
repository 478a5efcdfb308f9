import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalImage, imageRefProblem, parseImageRef, pullQuery } from './image-ref.js';

test('image references: registry, repository, tag, digest', () => {
  assert.deepEqual(parseImageRef('busybox'), {
    registry: 'docker.io',
    repository: 'busybox',
    tag: 'latest',
    name: 'busybox',
  });
  assert.deepEqual(parseImageRef('library/busybox:1.36'), {
    registry: 'docker.io',
    repository: 'library/busybox',
    tag: '1.36',
    name: 'library/busybox',
  });
  const local = parseImageRef('127.0.0.1:5000/drover/http:v1');
  assert.equal(local.registry, '127.0.0.1:5000');
  assert.equal(local.repository, 'drover/http');
  assert.deepEqual(pullQuery(local), { fromImage: '127.0.0.1:5000/drover/http', tag: 'v1' });
  assert.equal(canonicalImage(parseImageRef('localhost:5000/x')), 'localhost:5000/x:latest');
  const digest = `sha256:${'ab'.repeat(32)}`;
  const pinned = parseImageRef(`reg.example.com/app@${digest}`);
  assert.equal(pinned.digest, digest);
  assert.equal(pinned.tag, undefined);
  assert.deepEqual(pullQuery(pinned), { fromImage: 'reg.example.com/app', tag: digest });
  assert.throws(() => parseImageRef(' '), /must not be empty/);
});

test('references the engine accepts parse', () => {
  for (const ok of [
    'busybox',
    'drover-test/busybox:latest',
    'my_org/my.app__x-y:v1.2-rc_3',
    'localhost/app',
    'Registry.Example.com:443/team/app:V1',
    '[::1]:5000/app:v1',
    `app:v1@sha256:${'0'.repeat(64)}`,
  ]) {
    assert.doesNotThrow(() => parseImageRef(ok), ok);
    assert.equal(imageRefProblem(ok), undefined, ok);
  }
  // Capitals in the first component make it a registry host, as the engine reads it.
  assert.equal(parseImageRef('Upper/app').registry, 'Upper');
});

test('references the engine refuses are refused with the reason', () => {
  const cases: Array<[string, RegExp]> = [
    ['UPPER::bad', /"UPPER::bad": invalid reference format$/],
    ['Busybox', /repository name must be lowercase/],
    ['library/BusyBox:1', /repository name must be lowercase/],
    ['busybox:', /invalid tag format/],
    ['busybox:-x', /invalid tag format/],
    [`busybox:${'t'.repeat(129)}`, /invalid tag format/],
    ['busybox@sha256:abc', /invalid digest format/],
    ['app/', /invalid reference format/],
    ['a//b', /invalid reference format/],
    ['-app', /invalid reference format/],
    ['app-', /invalid reference format/],
    ['reg.example.com:port/app', /invalid reference format/],
    ['reg.example.com/', /names no repository/],
    ['with space', /invalid reference format/],
    [`${'a'.repeat(256)}`, /longer than 255/],
  ];
  for (const [ref, why] of cases) {
    assert.throws(() => parseImageRef(ref), why, ref);
    assert.match(imageRefProblem(ref) ?? '', why, ref);
  }
});
