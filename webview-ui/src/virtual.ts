// @tanstack/virtual-core bound to a Preact component: a fixed-height row list that renders
// only what is on screen (200k log lines would otherwise be 200k DOM nodes).
import { elementScroll, observeElementOffset, observeElementRect, Virtualizer } from '@tanstack/virtual-core';
import { useEffect, useLayoutEffect, useReducer, useState } from 'preact/hooks';

export function useVirtualList(count: number, rowHeight: number, getScrollElement: () => HTMLElement | null): Virtualizer<HTMLElement, Element> {
  const [, rerender] = useReducer((x: number) => x + 1, 0);
  const [v] = useState(
    () =>
      new Virtualizer<HTMLElement, Element>({
        count,
        getScrollElement,
        estimateSize: () => rowHeight,
        scrollToFn: elementScroll,
        observeElementRect,
        observeElementOffset,
        overscan: 12,
        onChange: () => rerender(0),
      }),
  );
  v.setOptions({ ...v.options, count, getScrollElement, estimateSize: () => rowHeight, onChange: () => rerender(0) });
  useEffect(() => v._didMount(), []);
  useLayoutEffect(() => v._willUpdate());
  return v;
}
