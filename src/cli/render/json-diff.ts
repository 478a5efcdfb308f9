/**
 * A field-level diff of two JSON values (`app diff`): one line per changed leaf path, in
 * JSON-pointer form, `-` for the old value and `+` for the new.
 */
export interface DiffLine {
  path: string;
  old?: unknown;
  new?: unknown;
}

export function jsonDiff(a: unknown, b: unknown, path = ''): DiffLine[] {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  const bothObjects =
    typeof a === 'object' &&
    a !== null &&
    typeof b === 'object' &&
    b !== null &&
    Array.isArray(a) === Array.isArray(b);
  if (!bothObjects) {
    return [
      { path: path || '/', ...(a !== undefined ? { old: a } : {}), ...(b !== undefined ? { new: b } : {}) },
    ];
  }
  const keys = [...new Set([...Object.keys(a as object), ...Object.keys(b as object)])].sort((x, y) =>
    Array.isArray(a) ? Number(x) - Number(y) : x < y ? -1 : 1,
  );
  return keys.flatMap((k) =>
    jsonDiff((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}/${k}`),
  );
}
