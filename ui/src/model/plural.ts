// A count with its noun in the right number: "1 event", "2 events", "0 dependencies".
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
}
