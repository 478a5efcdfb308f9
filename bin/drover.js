#!/usr/bin/env -S node --max-semi-space-size=2
import { main } from '../dist/cli/main.js';

// A reader that goes away (`drover app --help | head`) is not a failure of the command: further
// output is dropped quietly, as Unix tools do, instead of crashing on EPIPE. A running master or
// agent whose stdout is closed keeps running.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err.code !== 'EPIPE' && err.code !== 'ERR_STREAM_DESTROYED') throw err;
  });
}

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  },
);
