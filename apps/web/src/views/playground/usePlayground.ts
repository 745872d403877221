import { useCallback, useEffect, useReducer, useRef } from 'react';
import { PlaygroundClient } from '../../inference/client';
import type { DemoQuestion } from '../../inference/manifest';
import type { BackendPreference } from '../../inference/variant';
import { initialState, reducer } from './state';

/** The demo's manifest, shipped in public/demo by scripts/build-demo-student.sh. */
export const MANIFEST_URL = '/demo/manifest.json';

/**
 * ?manifest= loads other exported students the same way (a path on this server, or a loopback
 * URL serving CORS headers); anything else is refused, so a link cannot point the page elsewhere.
 */
export function manifestUrlFrom(param: string | null): { url: string; error: string | null } {
  if (!param) return { url: MANIFEST_URL, error: null };
  try {
    const url = new URL(param, location.href);
    const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
    if (url.origin === location.origin || (loopback && /^https?:$/.test(url.protocol))) {
      return { url: url.href, error: null };
    }
  } catch {}
  return {
    url: MANIFEST_URL,
    error: `?manifest=${param} is refused: give a path on this server or a localhost URL. The demo manifest is loaded instead.`,
  };
}

/** One worker for the view's lifetime; a new backend preference loads the students again. */
export function usePlayground(
  backend: BackendPreference,
  studentIds: string[] | null,
  reload = 0,
  manifestUrl = MANIFEST_URL,
  threads?: number,
) {
  const [state, dispatch] = useReducer(reducer, initialState);
  const clientRef = useRef<PlaygroundClient | null>(null);
  const studentKey = studentIds?.join(',') ?? '';

  // biome-ignore lint/correctness/useExhaustiveDependencies: `reload` is a counter; bumping it (retry, cache cleared) loads again
  useEffect(() => {
    const client = new PlaygroundClient();
    clientRef.current = client;
    const off = client.subscribe((event) => dispatch({ type: 'event', event }));
    dispatch({ type: 'loading' });
    client.load(manifestUrl, backend, studentKey ? studentKey.split(',') : null, threads);
    return () => {
      off();
      client.dispose();
      clientRef.current = null;
    };
  }, [backend, studentKey, reload, manifestUrl, threads]);

  const run = useCallback((question: DemoQuestion, students: string[], maxTokens?: number) => {
    const client = clientRef.current;
    if (!client) return [];
    return students.map((studentId) => {
      const runId = client.run(studentId, question, maxTokens);
      dispatch({ type: 'queued', runId, studentId, questionId: question.id });
      return runId;
    });
  }, []);

  const cancel = useCallback((runIds: number[]) => {
    for (const id of runIds) clientRef.current?.cancel(id);
  }, []);

  return { state, run, cancel };
}
