import type { LoopName } from '@steper/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { errorMessage } from '../../api/errors';
import { trpc } from '../../api/trpc';
import { ALL_LOOPS } from '../../components/choices';
import { type Choice, FormActions, InputField, SelectField } from '../../components/FormField';
import { CorpusQuestionFields, LoopSizeFields } from '../../components/LoopRunFields';
import { Section } from '../../components/Section';

const PROMPT_STYLES: Choice[] = [
  { value: 'teacher', label: 'teacher (few-shot)' },
  { value: 'student', label: 'student (q, P≤s)' },
];

const EXPORT_PREFIX = 'export:';
const inFlight = (status: string | undefined) => status === 'queued' || status === 'running';

/**
 * Evaluate a generator with a loop on a question set; the result is comparable here. Generators
 * are the evidence teacher, each endpoint and each exported student; a finished training run
 * not yet exported is offered too, with a button that exports it first (a job, with progress).
 */
export function EvalForm() {
  const queryClient = useQueryClient();
  const corpora = useQuery(trpc.corpora.list.queryOptions());
  const sets = useQuery(trpc.questionSets.list.queryOptions());
  const generators = useQuery(
    trpc.evaluations.generators.queryOptions(undefined, {
      // While an export runs, its student appears once it is done.
      refetchInterval: (q) =>
        q.state.data?.unexported.some((u) => inFlight(u.exportJob?.status)) ? 1000 : false,
    }),
  );
  const exportRun = useMutation(
    trpc.training.export.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.evaluations.generators.queryKey() }),
    }),
  );
  const [f, setF] = useState({
    name: '',
    corpusId: '',
    questionSetId: '',
    loop: 'ircot',
    generator: 'evidence',
    promptStyle: 'teacher',
    maxSteps: 5,
    topK: 4,
    limit: '50',
  });
  const set = (k: keyof typeof f, v: string | number) => setF((x) => ({ ...x, [k]: v }));
  const start = useMutation(
    trpc.evaluations.start.mutationOptions({ onSuccess: () => queryClient.invalidateQueries() }),
  );
  const corpusId = f.corpusId || corpora.data?.[0]?.id || '';
  const testSet = sets.data?.find((s) => /test|dev|valid/i.test(s.name)) ?? sets.data?.[0];
  const questionSetId = f.questionSetId || testSet?.id || '';
  const entry = generators.data?.generators.find((g) => g.id === f.generator);
  const unexported = f.generator.startsWith(EXPORT_PREFIX)
    ? generators.data?.unexported.find((u) => `${EXPORT_PREFIX}${u.runId}` === f.generator)
    : undefined;
  // An export finished while chosen: the same run is now a student generator.
  const exportedId = f.generator.startsWith(EXPORT_PREFIX)
    ? `student:${f.generator.slice(EXPORT_PREFIX.length)}`
    : null;
  const nowExported = exportedId ? generators.data?.generators.find((g) => g.id === exportedId) : undefined;
  useEffect(() => {
    if (nowExported && !unexported) setF((x) => ({ ...x, generator: nowExported.id }));
  }, [nowExported, unexported]);
  const exporting = inFlight(unexported?.exportJob?.status);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!entry) return;
    start.mutate({
      name: f.name.trim() || `${entry.label} · ${f.loop} · K=${f.topK}`,
      corpusId,
      questionSetId,
      loop: f.loop as LoopName,
      maxSteps: f.maxSteps,
      topK: f.topK,
      promptStyle: f.promptStyle as 'teacher' | 'student',
      generator: entry.spec,
      ...(f.limit ? { limit: Number(f.limit) } : {}),
    });
  };
  return (
    <Section id="eval-form" title="New evaluation">
      <form className="form-grid" onSubmit={submit}>
        <InputField
          id="eval-name"
          label="Name"
          placeholder={`${entry?.label ?? f.generator} · ${f.loop} · K=${f.topK}`}
          value={f.name}
          onChange={(v) => set('name', v)}
        />
        <SelectField
          id="eval-generator"
          label="Generator"
          value={f.generator}
          onChange={(v) => set('generator', v)}
          choices={[
            ...(generators.data?.generators.map((g) => ({ value: g.id, label: g.label })) ?? []),
            ...(generators.data?.unexported.map((u) => ({
              value: `${EXPORT_PREFIX}${u.runId}`,
              label: `${u.label} (not exported yet)`,
            })) ?? []),
          ]}
        />
        {unexported && (
          <div className="form-actions" data-testid="eval-export">
            <button
              type="button"
              id="eval-export"
              className="btn"
              disabled={exporting || exportRun.isPending}
              onClick={() => exportRun.mutate({ id: unexported.runId })}
            >
              {exporting ? `Exporting… (${unexported.exportJob?.status})` : 'Export to ONNX'}
            </button>
            <span className="muted">
              {unexported.exportJob?.status === 'failed'
                ? `The export failed: ${unexported.exportJob.error ?? 'see the Jobs panel'}`
                : 'A trained student is evaluated from its ONNX export (its best, else last checkpoint).'}
            </span>
            {exportRun.error && <span className="error-text">{errorMessage(exportRun.error)}</span>}
          </div>
        )}
        <CorpusQuestionFields
          idPrefix="eval"
          corpora={corpora.data}
          sets={sets.data}
          value={{ corpusId, questionSetId }}
          onChange={(c) => setF((x) => ({ ...x, ...c }))}
        />
        <SelectField
          id="eval-loop"
          label="Loop"
          width="narrow"
          value={f.loop}
          onChange={(v) => set('loop', v)}
          choices={ALL_LOOPS}
        />
        <SelectField
          id="eval-style"
          label="Prompt"
          width="narrow"
          value={f.promptStyle}
          onChange={(v) => set('promptStyle', v)}
          choices={PROMPT_STYLES}
        />
        <LoopSizeFields idPrefix="eval" value={f} onChange={(c) => setF((x) => ({ ...x, ...c }))} />
        <FormActions
          id="eval-start"
          label="Start evaluation"
          pendingLabel="Starting…"
          pending={start.isPending}
          disabled={!corpusId || !questionSetId || !entry}
          error={start.error}
        />
      </form>
    </Section>
  );
}
