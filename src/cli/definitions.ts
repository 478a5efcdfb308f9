/**
 * App and job definitions from the command line: a JSON or YAML file (YAML may hold several
 * documents), `-` for stdin, or a directory (every .json/.yaml/.yml below it, in path order).
 * A file holds one definition, a list of them, or Marathon's `{"apps": [...]}` / `{"jobs": [...]}`.
 * Anything unreadable is a usage error naming the file.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { DroverError } from '../domain/errors.js';

export interface Definition {
  /** Where it came from, for messages (`apps/web.yaml`, `stdin`). */
  source: string;
  value: Record<string, unknown>;
}

const EXTENSIONS = /\.(json|ya?ml)$/i;

export async function readDefinitions(
  target: string,
  key: 'apps' | 'jobs',
  readStdin: () => Promise<string> = stdinText,
): Promise<{ definitions: Definition[]; directory: boolean }> {
  if (target === '-') return { definitions: parse(await readStdin(), 'stdin', key), directory: false };
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(target);
  } catch (err) {
    throw new DroverError(
      'USAGE',
      `cannot read ${target}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  if (!stat.isDirectory()) return { definitions: parse(read(target), target, key), directory: false };
  const files = walk(target).filter((f) => EXTENSIONS.test(f));
  if (files.length === 0) throw new DroverError('USAGE', `${target} holds no .json, .yaml or .yml files`);
  return {
    definitions: files.flatMap((f) => parse(read(f), relative(process.cwd(), f) || f, key)),
    directory: true,
  };
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.isFile() ? [join(dir, e.name)] : []));
}

function read(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new DroverError('USAGE', `cannot read ${file}: ${(err as Error).message}`);
  }
}

export function parse(text: string, source: string, key: 'apps' | 'jobs'): Definition[] {
  let docs: unknown[];
  const trimmed = text.trim();
  if (trimmed === '') throw new DroverError('USAGE', `${source} is empty`);
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      docs = [JSON.parse(trimmed)];
    } catch (err) {
      throw new DroverError('INVALID_JSON', `${source} is not valid JSON: ${(err as Error).message}`);
    }
  } else {
    const parsed = parseAllDocuments(text);
    const list = Array.isArray(parsed) ? parsed : [parsed];
    for (const d of list) {
      if (d.errors.length > 0)
        throw new DroverError(
          'INVALID_JSON',
          `${source} is not valid YAML: ${d.errors[0]!.message.split('\n')[0]}`,
        );
    }
    docs = list.map((d) => d.toJS()).filter((d) => d !== null && d !== undefined);
  }
  const out: Definition[] = [];
  for (const doc of docs) {
    const items = Array.isArray(doc)
      ? doc
      : typeof doc === 'object' && doc !== null && Array.isArray((doc as Record<string, unknown>)[key])
        ? ((doc as Record<string, unknown>)[key] as unknown[])
        : [doc];
    for (const item of items) {
      if (typeof item !== 'object' || item === null || Array.isArray(item))
        throw new DroverError(
          'INVALID_JSON',
          `${source}: expected ${key === 'apps' ? 'an app' : 'a job'} object, got ${JSON.stringify(item)}`,
        );
      out.push({ source, value: item as Record<string, unknown> });
    }
  }
  return out;
}

async function stdinText(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The id field every app must have, as an absolute id. */
export function appIdOf(d: Definition): string {
  const id = d.value.id;
  if (typeof id !== 'string' || id.trim() === '')
    throw new DroverError('INVALID_DEFINITION', `${d.source}: an app needs an "id"`, [
      { path: '/id', errors: ['error.path.missing'] },
    ]);
  return id.startsWith('/') ? id : `/${id}`;
}

export function jobNameOf(d: Definition): string {
  const name = d.value.name;
  if (typeof name !== 'string' || name.trim() === '')
    throw new DroverError('INVALID_DEFINITION', `${d.source}: a job needs a "name"`, [
      { path: '/name', errors: ['error.path.missing'] },
    ]);
  return name;
}
