import type { LoopName } from '@steper/core';
import {
  type DemonstrationFile,
  parseDemonstrationJson,
  renderStudentPrompt,
  renderTeacherPrompt,
} from '@steper/core/prompts/index';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { errorMessage } from '../../api/errors';
import { trpc } from '../../api/trpc';
import { ViewHeader } from '../../components/Layout';
import { LazyEditor } from '../../components/LazyEditor';
import { Section } from '../../components/Section';
import { QueryState } from '../../components/States';

/**
 * Prompt templates and few-shot demonstrations (data, edited in Monaco) with a live preview of
 * the rendered prompt for a chosen question — rendered by core, the one place prompts are made.
 */
export default function PromptsView() {
  const queryClient = useQueryClient();
  const [loop, setLoop] = useState<'ircot' | 'self-ask'>('ircot');
  const [style, setStyle] = useState<'teacher' | 'student'>('teacher');
  const demos = useQuery(trpc.teachers.demonstrations.queryOptions({ loop }));
  // Edits are kept per loop; the editor starts from the server's demonstrations (the workspace
  // default, else the built-in ones); where they come from is shown beside, not in, the file.
  const [edits, setEdits] = useState<Record<string, string>>({});
  const served = useMemo(() => {
    if (!demos.data) return '';
    const { source: _, ...file } = demos.data;
    return JSON.stringify(file, null, 2);
  }, [demos.data]);
  const text = edits[loop] ?? served;
  // The editor is uncontrolled: a new key loads a new text (after a save, a reset, a loop switch).
  const [generation, setGeneration] = useState(0);
  const setText = (t: string) => setEdits((e) => ({ ...e, [loop]: t }));
  const parsed = useMemo((): { file: DemonstrationFile | null; error: string | null } => {
    if (!text) return { file: null, error: null };
    try {
      return { file: parseDemonstrationJson(text, 'the editor'), error: null };
    } catch (err) {
      return { file: null, error: errorMessage(err) };
    }
  }, [text]);

  const runs = useQuery(trpc.teacherRuns.list.queryOptions());
  const run = runs.data?.[0];
  const traces = useQuery({
    ...trpc.teacherRuns.traces.queryOptions({ id: run?.id ?? '', limit: 30 }),
    enabled: Boolean(run),
  });
  const [questionId, setQuestionId] = useState('');
  const row = traces.data?.items.find((t) => t.questionId === questionId) ?? traces.data?.items[0];
  // The list carries summaries; the chosen question's trace (its step-1 passages) is fetched alone.
  const opened = useQuery({
    ...trpc.teacherRuns.trace.queryOptions({ id: run?.id ?? '', questionId: row?.questionId ?? '' }),
    enabled: Boolean(run && row),
  });
  const trace = opened.data?.trace;
  const preview = useMemo(() => {
    if (!trace) return '';
    const passages = trace.steps[0]?.retrieved ?? [];
    if (style === 'student') return renderStudentPrompt(loop as LoopName, trace.question, passages);
    if (!parsed.file) return '';
    try {
      return renderTeacherPrompt(loop, parsed.file, trace.question, passages, []);
    } catch (err) {
      return `Cannot render: ${errorMessage(err)}`;
    }
  }, [trace, style, loop, parsed.file]);

  const reloadDemos = async () => {
    await queryClient.invalidateQueries({ queryKey: trpc.teachers.demonstrations.queryKey({ loop }) });
    setEdits(({ [loop]: _, ...rest }) => rest);
    setGeneration((g) => g + 1);
  };
  const save = useMutation(trpc.prompts.save.mutationOptions({ onSuccess: reloadDemos }));
  const reset = useMutation(trpc.prompts.reset.mutationOptions({ onSuccess: reloadDemos }));
  const switchLoop = (l: 'ircot' | 'self-ask') => {
    setLoop(l);
    save.reset();
    reset.reset();
  };
  const start = useMutation(
    trpc.teacherRuns.start.mutationOptions({ onSuccess: () => queryClient.invalidateQueries() }),
  );

  return (
    <div className="view view-prompts">
      <ViewHeader
        title="Prompts"
        sub="Few-shot demonstrations are data: edit them, preview the prompt a question gets, run a teacher with them."
        actions={
          <>
            <span className="segmented">
              <button
                type="button"
                id="prompt-loop-ircot"
                className={loop === 'ircot' ? 'on' : ''}
                onClick={() => switchLoop('ircot')}
              >
                IRCoT
              </button>
              <button
                type="button"
                id="prompt-loop-self-ask"
                className={loop === 'self-ask' ? 'on' : ''}
                onClick={() => switchLoop('self-ask')}
              >
                Self-Ask
              </button>
            </span>
            <span className="segmented">
              <button
                type="button"
                id="prompt-style-teacher"
                className={style === 'teacher' ? 'on' : ''}
                onClick={() => setStyle('teacher')}
              >
                teacher prompt
              </button>
              <button
                type="button"
                id="prompt-style-student"
                className={style === 'student' ? 'on' : ''}
                onClick={() => setStyle('student')}
              >
                student prompt
              </button>
            </span>
          </>
        }
      />
      <div className="editor-grid">
        <Section
          id="demos"
          title={`Demonstrations (${loop})`}
          actions={
            demos.data && (
              <span
                className={`badge ${demos.data.source === 'workspace' ? 'badge-done' : 'badge-queued'}`}
                data-testid="demos-source"
                title={
                  demos.data.source === 'workspace'
                    ? 'Saved for this workspace: teacher runs without demonstrations use these.'
                    : 'Built into the workbench (the synthetic world’s).'
                }
              >
                {demos.data.source === 'workspace' ? 'workspace default' : 'built-in'}
              </span>
            )
          }
        >
          <QueryState query={demos} what="demonstrations">
            {() => (
              <div className="panel-body">
                {text && (
                  <LazyEditor
                    key={`${loop}-${generation}`}
                    id="demos-editor"
                    language="json"
                    value={text}
                    onChange={setText}
                  />
                )}
                {parsed.error ? (
                  <div className="error-text mono-wrap" data-testid="demos-error">
                    {parsed.error}
                  </div>
                ) : (
                  <div className="muted" style={{ fontSize: 12, marginTop: 6 }}>
                    {parsed.file
                      ? `${'demonstrations' in parsed.file ? parsed.file.demonstrations.length : 0} demonstrations, valid`
                      : ''}
                  </div>
                )}
                <div className="form-actions" style={{ marginTop: 8 }}>
                  <button
                    type="button"
                    id="demos-run"
                    className="btn btn-primary btn-small"
                    disabled={!parsed.file || !run || start.isPending}
                    onClick={() =>
                      run &&
                      parsed.file &&
                      start.mutate({
                        name: `${loop} · edited demonstrations`,
                        corpusId: run.corpusId,
                        questionSetId: run.questionSetId,
                        loop,
                        limit: 50,
                        demonstrations: parsed.file,
                      })
                    }
                  >
                    Run the teacher with these (50 questions)
                  </button>
                  <button
                    type="button"
                    id="demos-save"
                    className="btn btn-small"
                    disabled={!parsed.file || save.isPending}
                    onClick={() => {
                      reset.reset();
                      if (parsed.file) save.mutate({ loop, file: parsed.file });
                    }}
                  >
                    Save as the workspace default
                  </button>
                  {demos.data?.source === 'workspace' && (
                    <button
                      type="button"
                      id="demos-reset"
                      className="btn btn-small"
                      disabled={reset.isPending}
                      onClick={() => {
                        save.reset();
                        reset.mutate({ loop });
                      }}
                    >
                      Reset to built-in
                    </button>
                  )}
                  {start.data && <span className="ok-text">Queued {start.data.run.id}.</span>}
                  {save.isSuccess && (
                    <span className="ok-text" data-testid="demos-saved">
                      Saved: teacher runs without demonstrations use these.
                    </span>
                  )}
                  {reset.isSuccess && (
                    <span className="ok-text" data-testid="demos-reset-done">
                      Back to the built-in demonstrations.
                    </span>
                  )}
                  {[start.error, save.error, reset.error].map(
                    (err) =>
                      err && (
                        <span key={errorMessage(err)} className="error-text">
                          {errorMessage(err)}
                        </span>
                      ),
                  )}
                </div>
              </div>
            )}
          </QueryState>
        </Section>
        <Section
          id="prompt-preview"
          title="Rendered prompt, step 1"
          actions={
            <select
              id="preview-question"
              value={row?.questionId ?? ''}
              onChange={(e) => setQuestionId(e.target.value)}
              style={{ maxWidth: 320 }}
            >
              {traces.data?.items.map((t) => (
                <option key={t.questionId} value={t.questionId}>
                  {t.question}
                </option>
              ))}
            </select>
          }
        >
          <div className="panel-body">
            {row ? (
              <pre className="text-block" style={{ maxHeight: 560 }} data-testid="prompt-preview">
                {preview}
              </pre>
            ) : (
              <div className="state">
                <div className="state-body">
                  A teacher run’s traces supply the questions and the passages retrieved at step 1.
                </div>
              </div>
            )}
          </div>
        </Section>
      </div>
    </div>
  );
}
