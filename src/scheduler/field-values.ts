/**
 * The value a constraint field has on an agent. `hostname` and `@hostname` read the agent's
 * hostname; any other field reads the attribute of that name. Values are interned per field so
 * constraint state can count tasks per value id instead of per string.
 */
import type { AgentCapacity } from './placement-types.js';

const HOSTNAME_FIELDS: ReadonlySet<string> = new Set(['hostname', '@hostname']);
/** Mesos's scalar attribute syntax (Marathon's MesosScalarValue). */
const SCALAR = /^[0-9]+(?:\.[0-9]+)?$/;

/**
 * Mesos parses an attribute such as `cores:4.50` as a scalar and Marathon compares it formatted with
 * Java's DecimalFormat("0.###") (half-even rounding): "4.5". Other text is compared as is.
 */
export function formatScalar(text: string): string {
  if (!SCALAR.test(text)) return text;
  const thousandths = Number(text) * 1000;
  let rounded = Math.round(thousandths);
  if (rounded - thousandths === 0.5 && rounded % 2 !== 0) rounded -= 1;
  return (rounded / 1000).toFixed(3).replace(/\.?0+$/, '');
}

/** The field's value on the agent, or undefined when the agent has no such attribute. */
export function readField(agent: AgentCapacity, field: string): string | undefined {
  if (HOSTNAME_FIELDS.has(field)) return agent.hostname;
  if (!Object.hasOwn(agent.attributes, field)) return undefined;
  return formatScalar(String(agent.attributes[field]));
}

export interface FieldIndex {
  readonly field: string;
  /** Per agent (input order): id of its value in `values`, or -1 when the agent lacks the field. */
  readonly valueIds: Int32Array;
  readonly values: readonly string[];
}

/** One FieldIndex per field, built on first use during a placeTasks call. */
export class FieldIndexes {
  private readonly byField = new Map<string, FieldIndex>();

  constructor(private readonly agents: readonly AgentCapacity[]) {}

  get(field: string): FieldIndex {
    let index = this.byField.get(field);
    if (!index) {
      index = buildIndex(this.agents, field);
      this.byField.set(field, index);
    }
    return index;
  }
}

function buildIndex(agents: readonly AgentCapacity[], field: string): FieldIndex {
  const valueIds = new Int32Array(agents.length);
  const values: string[] = [];
  const ids = new Map<string, number>();
  agents.forEach((agent, a) => {
    const value = readField(agent, field);
    if (value === undefined) {
      valueIds[a] = -1;
      return;
    }
    let id = ids.get(value);
    if (id === undefined) {
      id = values.length;
      values.push(value);
      ids.set(value, id);
    }
    valueIds[a] = id;
  });
  return { field, valueIds, values };
}
