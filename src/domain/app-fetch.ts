/**
 * What the fetcher downloads into a task's sandbox. The deprecated `uris` become `fetch` entries
 * as Marathon's AppNormalization does: archives (by extension) are extracted, nothing is made
 * executable or cached. `uris` is then left empty so a stored definition re-validates unchanged.
 */
import { compact } from './absent-fields.js';
import type { FetchUri } from './app.js';
import type { AppInput } from './app-schema.js';
import { at, type Issues } from './validation-issues.js';

export const FETCH_MESSAGES = {
  urisWithFetch: 'may not be set in conjunction with fetch',
  syntax: 'URI has invalid syntax.',
  destPathConflict: 'destPath and outputFile name the same field and must agree',
} as const;

const ARCHIVE_SUFFIXES = ['.tgz', '.tar.gz', '.tbz2', '.tar.bz2', '.txz', '.tar.xz', '.zip'];

/** Marathon's FetchUri.isExtract. */
export function isArchive(uri: string): boolean {
  return ARCHIVE_SUFFIXES.some((s) => uri.endsWith(s));
}

/**
 * java.net.URI rejects spaces, control characters and a few delimiters; relative references
 * (`/root/file`) are fine. This approximates it without a URL parser that insists on a scheme.
 */
export function isUriSyntax(uri: string): boolean {
  if (uri.length === 0 || /[\s<>"{}|\\^`]/.test(uri) || /%(?![0-9a-fA-F]{2})/.test(uri)) return false;
  return [...uri].every((ch) => {
    const code = ch.charCodeAt(0);
    return code > 0x1f && code !== 0x7f;
  });
}

export function normalizeFetch(input: AppInput, issues: Issues): FetchUri[] {
  const uris = input.uris ?? [];
  const fetch = input.fetch ?? [];
  if (uris.length > 0 && fetch.length > 0) issues.add('/uris', FETCH_MESSAGES.urisWithFetch);
  uris.forEach((uri, i) => {
    if (uri && !isUriSyntax(uri)) issues.add(at('/uris', i), FETCH_MESSAGES.syntax);
  });
  if (fetch.length === 0) {
    return uris.map((uri) => ({ uri, executable: false, extract: isArchive(uri), cache: false }));
  }
  return fetch.map((f, i) => {
    if (f.uri && !isUriSyntax(f.uri)) issues.add(`${at('/fetch', i)}/uri`, FETCH_MESSAGES.syntax);
    if (f.destPath !== undefined && f.outputFile !== undefined && f.destPath !== f.outputFile) {
      issues.add(at('/fetch', i), FETCH_MESSAGES.destPathConflict);
    }
    return compact({
      uri: f.uri,
      executable: f.executable ?? false,
      extract: f.extract ?? true,
      cache: f.cache ?? false,
      outputFile: f.destPath ?? f.outputFile,
    });
  });
}
