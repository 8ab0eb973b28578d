import { useEffect, useState } from 'react';
import { useLab } from '../context';

/**
 * The store's tick, but changing at most every `ms`: heavy views (SVG charts) redraw a few times a
 * second while the status line follows every publish. The last tick always lands.
 */
export function useThrottledTick(ms: number): number {
  const tick = useLab((s) => s.tick);
  const [shown, setShown] = useState(tick);
  const [last, setLast] = useState(0);
  useEffect(() => {
    if (tick === shown) return;
    const wait = Math.max(0, last + ms - performance.now());
    const t = setTimeout(() => {
      setShown(tick);
      setLast(performance.now());
    }, wait);
    return () => clearTimeout(t);
  }, [tick, shown, last, ms]);
  return shown;
}
