import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { trpc } from '../../api/trpc';
import { EVIDENCE_CHOICE, TEACHER_LOOPS } from '../../components/choices';
import { FormActions, InputField, SelectField } from '../../components/FormField';
import { Section } from '../../components/Section';

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
      teacher:
        form.teacher === 'evidence' ? { kind: 'evidence' } : { kind: 'openai', endpoint: form.teacher },
    });
  };

  return (
    <Section id="start-teacher-run" title="Start a teacher run">
      <form className="form-grid" onSubmit={submit}>
        <SelectField
          id="teach-corpus"
          label="Corpus"
          value={corpusId}
          onChange={(v) => set('corpusId', v)}
          choices={corpora.data?.map((c) => ({ value: c.id, label: c.name })) ?? []}
        />
        <SelectField
          id="teach-questions"
          label="Questions"
          value={questionSetId}
          onChange={(v) => set('questionSetId', v)}
          choices={sets.data?.map((s) => ({ value: s.id, label: `${s.name} (${s.questionCount})` })) ?? []}
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
          ]}
        />
        <InputField
          id="teach-s"
          label="S (max steps)"
          type="number"
          min={1}
          max={20}
          width="narrow"
          value={form.maxSteps}
          onChange={(v) => set('maxSteps', Number(v))}
        />
        <InputField
          id="teach-k"
          label="K (top-k)"
          type="number"
          min={1}
          max={100}
          width="narrow"
          value={form.topK}
          onChange={(v) => set('topK', Number(v))}
        />
        <InputField
          id="teach-limit"
          label="Only first N"
          type="number"
          min={1}
          placeholder="all"
          width="narrow"
          value={form.limit}
          onChange={(v) => set('limit', v)}
        />
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
