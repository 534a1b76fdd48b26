import React, { useEffect, useLayoutEffect, useRef, useState } from 'react';

/** Props of a windowed list of rows that all have the same height. */
export interface IVirtualListProps {
  /** How many rows the list has. */
  itemCount: number;
  /** The height of every row, in pixels. */
  rowHeight: number;
  /** Rows rendered beyond each edge of the view, so fast scrolling shows no gaps. */
  overscan?: number;
  /** Render one row (it is placed and sized by the list). */
  renderRow: (index: number) => React.ReactNode;
  /** Told the rows rendered, `end` exclusive, whenever they change or `version` does. */
  onRangeChange?: (start: number, end: number) => void;
  /** Bump to have `onRangeChange` called again for the same rows. */
  version?: number;
  /** Changing it scrolls back to the top (e.g. another notebook or filter). */
  resetKey?: string;
  className?: string;
  ariaLabel: string;
}

interface IRange {
  start: number;
  end: number;
}

/**
 * A list that renders only the rows in view plus `overscan`: 10,000 rows cost as few DOM
 * nodes as 20. Rows are absolutely placed inside a spacer as tall as the whole list.
 */
export function VirtualList(props: IVirtualListProps): JSX.Element {
  const { itemCount, rowHeight, overscan = 8, renderRow } = props;
  const { onRangeChange, version, resetKey } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const [range, setRange] = useState<IRange>({ start: 0, end: 0 });

  const measure = () => {
    const node = scroller.current;
    if (!node) {
      return;
    }
    const first = Math.floor(node.scrollTop / rowHeight);
    const visible = Math.ceil(node.clientHeight / rowHeight) + 1;
    const start = Math.max(0, first - overscan);
    const end = Math.min(itemCount, first + visible + overscan);
    setRange(old =>
      old.start === start && old.end === end ? old : { start, end }
    );
  };

  useLayoutEffect(() => {
    if (scroller.current) {
      scroller.current.scrollTop = 0;
    }
  }, [resetKey]);

  useLayoutEffect(measure, [itemCount, rowHeight, overscan, resetKey]);

  useEffect(() => {
    const node = scroller.current;
    if (!node || typeof ResizeObserver === 'undefined') {
      return;
    }
    const observer = new ResizeObserver(() => measure());
    observer.observe(node);
    return () => observer.disconnect();
  }, [itemCount, rowHeight, overscan]);

  useEffect(() => {
    if (range.end > range.start) {
      onRangeChange?.(range.start, range.end);
    }
  }, [range.start, range.end, version]);

  const rows: JSX.Element[] = [];
  for (let index = range.start; index < range.end; index++) {
    rows.push(
      <div
        key={index}
        role="listitem"
        className="jp-Repro-VirtualList-row"
        style={{ top: index * rowHeight, height: rowHeight }}
      >
        {renderRow(index)}
      </div>
    );
  }

  return (
    <div
      ref={scroller}
      className={`jp-Repro-VirtualList ${props.className ?? ''}`}
      onScroll={measure}
    >
      <div
        role="list"
        aria-label={props.ariaLabel}
        className="jp-Repro-VirtualList-spacer"
        style={{ height: itemCount * rowHeight }}
      >
        {rows}
      </div>
    </div>
  );
}
