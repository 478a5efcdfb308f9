/** Entry point of a bench run alone: print its result as one JSON line, then exit. */
import { pathToFileURL } from 'node:url';

export function isMain(metaUrl: string): boolean {
  return metaUrl === pathToFileURL(process.argv[1] ?? '').href;
}

/**
 * PM2's programmatic client can leave a timer behind after its daemon is killed, which would keep
 * a finished bench alive; so a bench run alone exits explicitly once its line is written.
 */
export async function runAlone(name: string, bench: () => Promise<object>): Promise<void> {
  try {
    const result = await bench();
    process.stdout.write(`${JSON.stringify({ bench: name, ...result })}\n`, () => process.exit(0));
  } catch (err) {
    console.error(err);
    process.exit(1);
  }
}
