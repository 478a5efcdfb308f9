#!/usr/bin/env node
// Summarises a V8 .heapsnapshot: self size and count per kind of object, plain objects told apart
// by their first property names (a TaskRecord, a route entry, a cached view...), and who holds
// the largest kinds. What a master holds per task: divide by the task count of the snapshot.
//   node --max-old-space-size=8000 bench/support/heap-summary.mjs <file.heapsnapshot> [top=40]
import { readFileSync } from 'node:fs';

const file = process.argv[2];
const top = Number(process.argv[3] ?? 40);
if (!file) {
  console.error('usage: heap-summary.mjs <file.heapsnapshot> [top]');
  process.exit(2);
}
const snap = parseSnapshot(readFileSync(file));
const { node_fields, edge_fields, node_types, edge_types } = snap.snapshot.meta;
const NF = node_fields.length;
const EF = edge_fields.length;
const nTypes = node_types[0];
const eTypes = edge_types[0];
const { nodes, edges, strings } = snap;
const iType = node_fields.indexOf('type');
const iName = node_fields.indexOf('name');
const iSize = node_fields.indexOf('self_size');
const iEdges = node_fields.indexOf('edge_count');
const eType = edge_fields.indexOf('type');
const eName = edge_fields.indexOf('name_or_index');
const eTo = edge_fields.indexOf('to_node');
const count = nodes.length / NF;

// First edge of each node, and every node's kind.
const firstEdge = new Uint32Array(count + 1);
for (let n = 0, e = 0; n < count; n++) {
  firstEdge[n] = e;
  e += nodes[n * NF + iEdges] * EF;
}
firstEdge[count] = edges.length;
const kindOf = new Array(count);
for (let n = 0; n < count; n++) {
  const type = nTypes[nodes[n * NF + iType]];
  let name =
    type === 'string' || type === 'concatenated string' || type === 'sliced string'
      ? ''
      : strings[nodes[n * NF + iName]];
  if (type === 'object' && (name === 'Object' || name === 'Array')) {
    const props = [];
    for (let e = firstEdge[n]; e < firstEdge[n + 1] && props.length < 5; e += EF) {
      if (eTypes[edges[e + eType]] === 'property') props.push(strings[edges[e + eName]]);
    }
    if (props.length > 0) name = `${name}{${props.join(',')}}`;
  }
  kindOf[n] = `${type}:${name.slice(0, 90)}`;
}
const byKind = new Map();
for (let n = 0; n < count; n++) {
  const k = kindOf[n];
  const s = byKind.get(k) ?? { size: 0, count: 0 };
  s.size += nodes[n * NF + iSize];
  s.count += 1;
  byKind.set(k, s);
}
const total = [...byKind.values()].reduce((a, s) => a + s.size, 0);
const sorted = [...byKind.entries()].sort((a, b) => b[1].size - a[1].size).slice(0, top);
console.log(`${file}: ${count} nodes, ${(total / 1e6).toFixed(1)} MB self size`);
for (const [k, s] of sorted)
  console.log(`${(s.size / 1e6).toFixed(2).padStart(9)} MB ${String(s.count).padStart(9)}  ${k}`);

// Who holds the ten largest kinds: the kind of the node an edge to them comes from.
const wanted = new Map(sorted.slice(0, 12).map(([k]) => [k, new Map()]));
for (let n = 0; n < count; n++) {
  for (let e = firstEdge[n]; e < firstEdge[n + 1]; e += EF) {
    if (eTypes[edges[e + eType]] === 'weak') continue;
    const to = edges[e + eTo] / NF;
    const m = wanted.get(kindOf[to]);
    if (!m) continue;
    const et = eTypes[edges[e + eType]];
    const label = `${kindOf[n]} .${et === 'element' || et === 'hidden' ? `[${et}]` : strings[edges[e + eName]]}`;
    m.set(label, (m.get(label) ?? 0) + 1);
  }
}
for (const [k, m] of wanted) {
  console.log(`\n${k} held by:`);
  for (const [label, c] of [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5))
    console.log(`  ${String(c).padStart(9)}  ${label.slice(0, 140)}`);
}

/**
 * A snapshot of a large heap is longer than the longest string V8 makes (512 MB): the number
 * arrays are read straight from the bytes, only the meta data and the strings go through JSON.
 */
function parseSnapshot(buf) {
  const at = (key, from = 0) => {
    const i = buf.indexOf(key, from);
    if (i < 0) throw new Error(`not a heap snapshot: no ${key}`);
    return i + key.length;
  };
  const numbers = (start) => {
    let n = 0;
    for (let i = start; buf[i] !== 0x5d; i++) if (buf[i] === 0x2c) n++;
    const out = new Float64Array(n + 1);
    let k = 0;
    let v = 0;
    let any = false;
    let i = start;
    for (; buf[i] !== 0x5d; i++) {
      const c = buf[i];
      if (c >= 0x30 && c <= 0x39) {
        v = v * 10 + (c - 0x30);
        any = true;
      } else if (c === 0x2c) {
        out[k++] = v;
        v = 0;
        any = false;
      }
    }
    if (any) out[k++] = v;
    return out.subarray(0, k);
  };
  const nodesAt = at('"nodes":[');
  const meta = JSON.parse(`${buf.toString('utf8', buf.indexOf('{'), buf.lastIndexOf(',', nodesAt))}}`);
  const edgesAt = at('"edges":[', nodesAt);
  const stringsAt = at('"strings":[', edgesAt);
  const end = buf.lastIndexOf(']');
  return {
    snapshot: meta.snapshot,
    nodes: numbers(nodesAt),
    edges: numbers(edgesAt),
    strings: JSON.parse(`[${buf.toString('utf8', stringsAt, end)}]`),
  };
}
