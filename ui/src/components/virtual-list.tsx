import { type ReactNode, useEffect, useRef, useState } from 'react';

/**
 * Renders only the rows in view (plus a margin), so a list of thousands stays as fast as a list
 * of twenty. Rows have one fixed height; the list scrolls inside its own box.
 */
export function VirtualList<T>({
  items,
  rowHeight,
  height,
  render,
  label,
  header,
}: {
  items: readonly T[];
  rowHeight: number;
  height: number;
  render: (item: T, index: number) => ReactNode;
  label: string;
  header?: ReactNode;
}) {
  const box = useRef<HTMLDivElement>(null);
  const [top, setTop] = useState(0);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const onScroll = () => setTop(el.scrollTop);
    el.addEventListener('scroll', onScroll, { passive: true });
    return () => el.removeEventListener('scroll', onScroll);
  }, []);
  const overscan = 8;
  const first = Math.max(0, Math.floor(top / rowHeight) - overscan);
  const last = Math.min(items.length, Math.ceil((top + height) / rowHeight) + overscan);
  const visible = items.slice(first, last);
  const boxHeight = Math.min(height, Math.max(rowHeight, items.length * rowHeight));
  return (
    <div className="vtable" role="table" aria-label={label} aria-rowcount={items.length}>
      {header}
      <div ref={box} className="vbody" style={{ height: boxHeight }} role="rowgroup">
        <div style={{ height: items.length * rowHeight, position: 'relative' }}>
          <div style={{ position: 'absolute', top: first * rowHeight, left: 0, right: 0 }}>
            {visible.map((item, i) => render(item, first + i))}
          </div>
        </div>
      </div>
    </div>
  );
}
