import Editor, { type OnMount } from '@monaco-editor/react';
import './monaco';

/**
 * Monaco for prompts, targets and configs. Loaded lazily with the views that use it; text only
 * (no HTML rendering of what it shows).
 */
export default function CodeEditor({
  value,
  onChange,
  language = 'plaintext',
  readOnly = false,
  id,
  onSubmit,
}: {
  value: string;
  onChange?: (value: string) => void;
  language?: 'plaintext' | 'json';
  readOnly?: boolean;
  id?: string;
  /** Ctrl/Cmd+Enter. */
  onSubmit?: () => void;
}) {
  const mount: OnMount = (editor, m) => {
    if (onSubmit) editor.addCommand(m.KeyMod.CtrlCmd | m.KeyCode.Enter, onSubmit);
    if (!readOnly) editor.focus();
  };
  return (
    <div className="editor-box" id={id} data-testid={id}>
      <Editor
        // Editable editors are uncontrolled: feeding each keystroke back as `value` races with
        // typing and drops characters. Callers remount (key) to load a different text.
        {...(readOnly ? { value } : { defaultValue: value })}
        language={language}
        onChange={(v) => onChange?.(v ?? '')}
        onMount={mount}
        options={{
          readOnly,
          minimap: { enabled: false },
          wordWrap: 'on',
          lineNumbers: 'off',
          fontSize: 12.5,
          scrollBeyondLastLine: false,
          renderLineHighlight: readOnly ? 'none' : 'line',
          automaticLayout: true,
          padding: { top: 8 },
          // Prose, not code: typed brackets and quotes stay as typed.
          autoClosingBrackets: language === 'json' ? 'languageDefined' : 'never',
          autoClosingQuotes: language === 'json' ? 'languageDefined' : 'never',
        }}
        loading={<div className="state state-loading">Loading editor…</div>}
      />
    </div>
  );
}
