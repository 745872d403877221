import { useCallback, useEffect, useReducer, useRef } from 'react';
import { PlaygroundClient } from '../../inference/client';
import type { DemoQuestion } from '../../inference/manifest';
import type { BackendPreference } from '../../inference/variant';
import { initialState, reducer } from './state';

/** The demo's manifest, shipped in public/demo by scripts/build-demo-student.sh. */
export const MANIFEST_URL = '/demo/manifest.json';

/** One worker for the view's lifetime; a new backend preference loads the students again. */
export function usePlayground(backend: BackendPreference, studentIds: string[] | null, reload = 0) {
  const [state, dispatch] = useReducer(reducer, initialState);
  const clientRef = useRef<PlaygroundClient | null>(null);
  const studentKey = studentIds?.join(',') ?? '';

  // biome-ignore lint/correctness/useExhaustiveDependencies: `reload` is a counter; bumping it (retry, cache cleared) loads again
  useEffect(() => {
    const client = new PlaygroundClient();
    clientRef.current = client;
    const off = client.subscribe((event) => dispatch({ type: 'event', event }));
    dispatch({ type: 'loading' });
    client.load(MANIFEST_URL, backend, studentKey ? studentKey.split(',') : null);
    return () => {
      off();
      client.dispose();
      clientRef.current = null;
    };
  }, [backend, studentKey, reload]);

  const run = useCallback((question: DemoQuestion, students: string[]) => {
    const client = clientRef.current;
    if (!client) return [];
    return students.map((studentId) => {
      const runId = client.run(studentId, question);
      dispatch({ type: 'queued', runId, studentId, questionId: question.id });
      return runId;
    });
  }, []);

  const cancel = useCallback((runIds: number[]) => {
    for (const id of runIds) clientRef.current?.cancel(id);
  }, []);

  return { state, run, cancel };
}
