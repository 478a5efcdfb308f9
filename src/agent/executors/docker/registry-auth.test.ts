import assert from 'node:assert/strict';
import { test } from 'node:test';
import { credentialFor, parseRegistryAuthConfig, registryAuthHeader } from './registry-auth.js';

test('credentials are found by registry host; Docker Hub under any of its names', () => {
  const config = {
    '127.0.0.1:5000': { username: 'u', password: 'p' },
    'index.docker.io': { username: 'hub' },
  };
  assert.equal(credentialFor(config, '127.0.0.1:5000')?.username, 'u');
  assert.equal(credentialFor(config, 'docker.io')?.username, 'hub');
  assert.equal(credentialFor(config, 'other:1'), undefined);
  const header = registryAuthHeader('127.0.0.1:5000', { username: 'u', password: 'p+/=' });
  assert.doesNotMatch(header, /[+/=]/, 'base64url');
  assert.deepEqual(JSON.parse(Buffer.from(header, 'base64url').toString()), {
    username: 'u',
    password: 'p+/=',
    serveraddress: '127.0.0.1:5000',
  });
});

test('registry auth files: Drover shape and docker config.json shape', () => {
  assert.deepEqual(parseRegistryAuthConfig('{"127.0.0.1:5000":{"username":"u","password":"p"}}'), {
    '127.0.0.1:5000': { username: 'u', password: 'p' },
  });
  const docker = {
    auths: { 'https://reg.example.com/v1/': { auth: Buffer.from('ci:s3:cret').toString('base64') } },
  };
  assert.deepEqual(parseRegistryAuthConfig(JSON.stringify(docker)), {
    'reg.example.com': { username: 'ci', password: 's3:cret' },
  });
  assert.throws(() => parseRegistryAuthConfig('{"h":{}}'), /neither username nor identitytoken/);
  assert.throws(() => parseRegistryAuthConfig('[]'), /not a JSON object/);
});
