// Where each value of a JSON text starts, by the path the API names it with (`/a/b(0)/c`, as
// Marathon's 422 details write it), so an error is shown on the line it is about.

/** Path -> 1-based line. Paths of an unparseable text are whatever was read before the error. */
export function jsonPathLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  let i = 0;
  let line = 1;
  const ws = () => {
    while (i < text.length && /\s/.test(text[i]!)) {
      if (text[i] === '\n') line++;
      i++;
    }
  };
  const str = (): string => {
    let out = '';
    i++; // opening quote
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') {
        out += text[i + 1] ?? '';
        i += 2;
      } else out += text[i++];
    }
    i++;
    return out;
  };
  const value = (path: string): void => {
    ws();
    if (!lines.has(path || '/')) lines.set(path || '/', line);
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      while (i < text.length && text[i] !== '}') {
        ws();
        if (text[i] !== '"') throw new Error('key expected');
        const keyLine = line;
        const key = str();
        lines.set(`${path}/${key}`, keyLine);
        ws();
        if (text[i] !== ':') throw new Error(': expected');
        i++;
        value(`${path}/${key}`);
        ws();
        if (text[i] === ',') i++;
        ws();
      }
      i++;
    } else if (c === '[') {
      i++;
      let n = 0;
      ws();
      while (i < text.length && text[i] !== ']') {
        value(`${path}(${n++})`);
        ws();
        if (text[i] === ',') i++;
        ws();
      }
      i++;
    } else if (c === '"') str();
    else while (i < text.length && !/[\s,}\]]/.test(text[i]!)) i++;
  };
  try {
    value('');
  } catch {
    // Keep the lines found so far.
  }
  return lines;
}

/** The line for a path, or for its nearest ancestor the text has (a missing field's object). */
export function lineOfPath(lines: Map<string, number>, path: string): number | undefined {
  let p = path;
  while (p !== '') {
    const l = lines.get(p);
    if (l !== undefined) return l;
    const cut = Math.max(p.lastIndexOf('/'), p.lastIndexOf('('));
    p = cut <= 0 ? '' : p.slice(0, cut);
  }
  return lines.get('/');
}
