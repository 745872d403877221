import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { trpc } from '../../api/trpc';
import { EVIDENCE_CHOICE, TEACHER_LOOPS } from '../../components/choices';
import { FormActions, InputField, SelectField } from '../../components/FormField';
import { CorpusQuestionFields, LoopSizeFields } from '../../components/LoopRunFields';
import { Section } from '../../components/Section';

const POOL = 'replicas:';

function teacherSpec(choice: string, pools: { model: string; names: string[] }[]) {
  if (choice === 'evidence') return { kind: 'evidence' as const };
  const pool = choice.startsWith(POOL) ? pools.find((p) => p.model === choice.slice(POOL.length)) : undefined;
  if (pool) return { kind: 'openai' as const, replicas: pool.names.map((endpoint) => ({ endpoint })) };
  return { kind: 'openai' as const, endpoint: choice };
}

/** Start a teacher run: a loop over a question set with a teacher, S and K. */
export function TeacherRunForm() {
  const queryClient = useQueryClient();
  const corpora = useQuery(trpc.corpora.list.queryOptions());
  const sets = useQuery(trpc.questionSets.list.queryOptions());
  const endpoints = useQuery(trpc.teachers.endpoints.queryOptions());
  const [form, setForm] = useState({
    name: '',
    corpusId: '',
    questionSetId: '',
    loop: 'ircot' as 'ircot' | 'self-ask',
    maxSteps: 5,
    topK: 4,
    limit: '',
    teacher: 'evidence',
  });
  const start = useMutation(
    trpc.teacherRuns.start.mutationOptions({ onSuccess: () => queryClient.invalidateQueries() }),
  );
  const set = <K extends keyof typeof form>(k: K, v: (typeof form)[K]) => setForm((f) => ({ ...f, [k]: v }));
  // Endpoints serving one model can share a run as replicas: offered as one more teacher.
  const byModel = new Map<string, string[]>();
  for (const ep of endpoints.data ?? []) byModel.set(ep.model, [...(byModel.get(ep.model) ?? []), ep.name]);
  const pools = [...byModel].flatMap(([model, names]) => (names.length > 1 ? [{ model, names }] : []));
  const corpusId = form.corpusId || corpora.data?.[0]?.id || '';
  const questionSetId = form.questionSetId || sets.data?.[0]?.id || '';

  const submit = (e: FormEvent) => {
    e.preventDefault();
    start.mutate({
      name: form.name.trim() || `${form.loop} · ${form.teacher}`,
      corpusId,
      questionSetId,
      loop: form.loop,
      maxSteps: form.maxSteps,
      topK: form.topK,
      ...(form.limit ? { limit: Number(form.limit) } : {}),
      teacher: teacherSpec(form.teacher, pools),
    });
  };

  return (
    <Section id="start-teacher-run" title="Start a teacher run">
      <form className="form-grid" onSubmit={submit}>
        <CorpusQuestionFields
          idPrefix="teach"
          corpora={corpora.data}
          sets={sets.data}
          value={{ corpusId, questionSetId }}
          onChange={(c) => setForm((f) => ({ ...f, ...c }))}
        />
        <SelectField
          id="teach-loop"
          label="Loop"
          value={form.loop}
          onChange={(v) => set('loop', v as 'ircot' | 'self-ask')}
          choices={TEACHER_LOOPS}
        />
        <SelectField
          id="teach-teacher"
          label="Teacher"
          value={form.teacher}
          onChange={(v) => set('teacher', v)}
          choices={[
            EVIDENCE_CHOICE,
            ...(endpoints.data?.map((ep) => ({ value: ep.name, label: `${ep.name} · ${ep.model ?? ''}` })) ??
              []),
            ...pools.map((p) => ({
              value: `${POOL}${p.model}`,
              label: `${p.names.join(' + ')} · ${p.model} (replicas: spread, fail over)`,
            })),
          ]}
        />
        <LoopSizeFields idPrefix="teach" value={form} onChange={(c) => setForm((f) => ({ ...f, ...c }))} />
        <InputField
          id="teach-name"
          label="Name"
          placeholder="ircot · evidence"
          value={form.name}
          onChange={(v) => set('name', v)}
        />
        <FormActions
          id="teach-start"
          label="Start run"
          pendingLabel="Starting…"
          pending={start.isPending}
          disabled={!corpusId || !questionSetId}
          done={start.data && `Queued ${start.data.run.id}.`}
          error={start.error}
        />
      </form>
    </Section>
  );
}
