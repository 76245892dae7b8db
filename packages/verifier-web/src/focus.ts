import { useEffect, useRef } from 'preact/hooks';

/** Moves keyboard and screen-reader focus to the element (a screen's heading) when it appears. */
export function useFocusOnMount<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  useEffect(() => ref.current?.focus(), []);
  return ref;
}
