import React, {
  RefObject,
  useEffect,
  useLayoutEffect,
  useRef,
  useState
} from 'react';

import {
  EMPTY_RANGE,
  IRange,
  rowAttributes,
  sameRange,
  visibleRange
} from './windowing';

/** Rows rendered beyond each edge of the view unless the props say otherwise. */
const DEFAULT_OVERSCAN = 8;

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

/**
 * A list that renders only the rows in view plus `overscan`: 10,000 rows cost as few DOM
 * nodes as 20. Rows are absolutely placed inside a spacer as tall as the whole list, and each
 * tells assistive tech its position in the whole list.
 */
export function VirtualList(props: IVirtualListProps): JSX.Element {
  const { itemCount, rowHeight, renderRow, onRangeChange, version } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const [range, measure] = useRenderedRange(scroller, props);

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
        className="jp-Repro-VirtualList-row"
        {...rowAttributes(index, itemCount, rowHeight)}
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

/**
 * The rows the list renders, measured again when it scrolls (call the `measure` returned),
 * resizes or its props change; a new `resetKey` scrolls it back to the top first.
 */
function useRenderedRange(
  scroller: RefObject<HTMLDivElement>,
  props: IVirtualListProps
): [IRange, () => void] {
  const { itemCount, rowHeight, overscan = DEFAULT_OVERSCAN, resetKey } = props;
  const [range, setRange] = useState<IRange>(EMPTY_RANGE);

  const measure = () => {
    const node = scroller.current;
    if (node) {
      const next = visibleRange({
        scrollTop: node.scrollTop,
        viewportHeight: node.clientHeight,
        rowHeight,
        itemCount,
        overscan
      });
      setRange(old => (sameRange(old, next) ? old : next));
    }
  };

  useLayoutEffect(() => {
    if (scroller.current) {
      scroller.current.scrollTop = 0;
    }
  }, [resetKey]);

  useLayoutEffect(measure, [itemCount, rowHeight, overscan, resetKey]);
  useOnResize(scroller, measure, [itemCount, rowHeight, overscan]);
  return [range, measure];
}

/** Call `measure` whenever the node is resized (a taller panel shows more rows). */
function useOnResize(
  scroller: RefObject<HTMLDivElement>,
  measure: () => void,
  deps: unknown[]
): void {
  useEffect(() => {
    const node = scroller.current;
    if (!node || typeof ResizeObserver === 'undefined') {
      return;
    }
    const observer = new ResizeObserver(() => measure());
    observer.observe(node);
    return () => observer.disconnect();
  }, deps);
}
