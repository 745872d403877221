import { useEffect, useRef } from 'react';

/** Keys typed into a field belong to the field, not to the view's shortcuts. */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  const tag = target.tagName;
  return (
    tag === 'INPUT' ||
    tag === 'TEXTAREA' ||
    tag === 'SELECT' ||
    target.isContentEditable ||
    Boolean(target.closest('.monaco-editor'))
  );
}

const NAMES: Record<string, string> = { ArrowRight: 'right', ArrowLeft: 'left', Escape: 'esc' };

/**
 * Single-key shortcuts (no modifiers) for a view, active while it is mounted. Keys are the
 * characters typed, or right / left / esc. The latest handlers are used without re-binding.
 */
export function useShortcuts(keys: Record<string, () => void>): void {
  const current = useRef(keys);
  current.current = keys;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
      const fn = current.current[NAMES[e.key] ?? e.key];
      if (fn) {
        e.preventDefault();
        fn();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
