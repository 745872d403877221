import { lazy, Suspense } from 'react';
import type CodeEditorType from './CodeEditor';

const CodeEditor = lazy(() => import('./CodeEditor'));

/** Monaco is a few MB: it loads the first time an editor is shown, not with the app. */
export function LazyEditor(props: Parameters<typeof CodeEditorType>[0]) {
  return (
    <Suspense fallback={<div className="editor-box state state-loading">Loading editor…</div>}>
      <CodeEditor {...props} />
    </Suspense>
  );
}
