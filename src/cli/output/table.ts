/**
 * Aligned, borderless tables (kubectl/nomad style) that fit the terminal: when the natural widths
 * are too wide, the widest columns give up space first, and their cells are cut in the middle
 * (ids and paths keep both ends readable).
 */
import Table from 'cli-table3';
import type { Terminal } from './terminal.js';

// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour sequences are what we strip.
const ANSI = /\u001b\[[0-9;]*m/g;
const GAP = 2;

export function visibleLength(s: string): number {
  return s.replace(ANSI, '').length;
}

/** `abcdefgh` in 5 → `ab…gh`; coloured text is cut without its colour. */
export function cutMiddle(s: string, max: number): string {
  const plain = s.replace(ANSI, '');
  if (plain.length <= max) return s;
  if (max <= 1) return plain.slice(0, max);
  const keep = max - 1;
  const head = Math.ceil(keep / 2);
  return `${plain.slice(0, head)}…${plain.slice(plain.length - (keep - head))}`;
}

/** Column widths within `total`: shrink the widest first, never below `min`. */
export function fitWidths(natural: number[], total: number, min = 6): number[] {
  const widths = [...natural];
  const budget = total - GAP * Math.max(0, widths.length - 1);
  let sum = widths.reduce((a, b) => a + b, 0);
  while (sum > budget) {
    let widest = 0;
    for (let i = 1; i < widths.length; i++) if (widths[i]! > widths[widest]!) widest = i;
    if (widths[widest]! <= min) break;
    widths[widest]! -= 1;
    sum -= 1;
  }
  return widths;
}

export function renderTable(term: Terminal, head: string[], rows: string[][]): string {
  if (rows.length === 0) return '';
  const natural = head.map((h, i) =>
    Math.max(visibleLength(h), ...rows.map((r) => visibleLength(r[i] ?? ''))),
  );
  const widths = fitWidths(natural, term.width);
  const cell = (s: string, i: number) => cutMiddle(s, widths[i]!);
  const table = new Table({
    head: head.map((h, i) => term.c.bold(cell(h, i))),
    chars: {
      top: '',
      'top-mid': '',
      'top-left': '',
      'top-right': '',
      bottom: '',
      'bottom-mid': '',
      'bottom-left': '',
      'bottom-right': '',
      left: '',
      'left-mid': '',
      mid: '',
      'mid-mid': '',
      right: '',
      'right-mid': '',
      middle: ' '.repeat(GAP),
    },
    style: { 'padding-left': 0, 'padding-right': 0, head: [], border: [], compact: true },
    colWidths: widths,
    wordWrap: false,
  });
  for (const r of rows) table.push(head.map((_, i) => cell(r[i] ?? '', i)));
  return table
    .toString()
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n');
}

/** `key: value` lines for a `show`, keys aligned. */
export function renderFields(term: Terminal, fields: Array<[string, string]>): string {
  const w = Math.max(...fields.map(([k]) => k.length));
  return fields.map(([k, v]) => `${term.c.dim(`${k}:`.padEnd(w + 1))} ${v}`).join('\n');
}
