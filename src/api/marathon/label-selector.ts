/**
 * Marathon's label selector query (`GET /v2/apps?label=...`), same grammar as its
 * LabelSelectorParsers:
 *
 *   query    := selector { ',' selector }
 *   selector := term ('==' | '!=') term | term ('in' | 'notin') '(' term { ',' term } ')' | term
 *   term     := ( [-A-Za-z0-9_.] | '\' any )+        (backslash escapes any other character)
 *
 * Whitespace between tokens is ignored. Every selector also requires the label to exist, so
 * `tier!=web` and `tier notin (web)` do not match apps without a `tier` label (as in Marathon).
 */
import { DroverError } from '../../domain/errors.js';

export interface LabelSelector {
  key: string;
  op: 'exists' | '==' | '!=' | 'in' | 'notin';
  values: string[];
}

export function parseLabelSelectors(query: string): LabelSelector[] {
  const p = new Parser(query);
  const out: LabelSelector[] = [];
  p.skipSpace();
  if (p.atEnd()) return out;
  for (;;) {
    out.push(p.selector());
    p.skipSpace();
    if (p.atEnd()) return out;
    p.expect(',');
  }
}

export function matchesLabels(labels: Record<string, string>, selectors: LabelSelector[]): boolean {
  return selectors.every((s) => {
    if (!Object.hasOwn(labels, s.key)) return false;
    const v = labels[s.key] as string;
    return matchesValue(s, v);
  });
}

function matchesValue(s: LabelSelector, v: string): boolean {
  switch (s.op) {
    case 'exists':
      return true;
    case '==':
      return v === s.values[0];
    case '!=':
      return v !== s.values[0];
    case 'in':
      return s.values.includes(v);
    case 'notin':
      return !s.values.includes(v);
  }
}

const TERM_CHAR = /[-A-Za-z0-9_.]/;

class Parser {
  private i = 0;
  constructor(private readonly s: string) {}

  atEnd(): boolean {
    return this.i >= this.s.length;
  }

  skipSpace(): void {
    while (!this.atEnd() && /\s/.test(this.s[this.i] as string)) this.i++;
  }

  expect(token: string): void {
    this.skipSpace();
    if (!this.s.startsWith(token, this.i)) this.fail(`expected '${token}'`);
    this.i += token.length;
  }

  selector(): LabelSelector {
    const key = this.term();
    this.skipSpace();
    for (const op of ['==', '!='] as const) {
      if (this.s.startsWith(op, this.i)) {
        this.i += op.length;
        return { key, op, values: [this.term()] };
      }
    }
    const save = this.i;
    if (!this.atEnd() && this.s[this.i] !== ',') {
      const word = this.term();
      if (word === 'in' || word === 'notin') return { key, op: word, values: this.set() };
      this.i = save;
    }
    return { key, op: 'exists', values: [] };
  }

  private set(): string[] {
    this.expect('(');
    const values: string[] = [];
    this.skipSpace();
    if (this.s[this.i] === ')') {
      this.i++;
      return values;
    }
    for (;;) {
      values.push(this.term());
      this.skipSpace();
      if (this.s[this.i] === ')') {
        this.i++;
        return values;
      }
      this.expect(',');
    }
  }

  private term(): string {
    this.skipSpace();
    let out = '';
    while (!this.atEnd()) {
      const c = this.s[this.i] as string;
      if (c === '\\' && this.i + 1 < this.s.length) {
        out += this.s[this.i + 1];
        this.i += 2;
      } else if (TERM_CHAR.test(c)) {
        out += c;
        this.i++;
      } else {
        break;
      }
    }
    if (out === '') this.fail('expected a label or value');
    return out;
  }

  private fail(reason: string): never {
    throw new DroverError(
      'BAD_REQUEST',
      `Can not parse label selector ${this.s}. Reason: ${reason} at position ${this.i}`,
    );
  }
}
