import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { trpc } from '../../api/trpc';
import { EVIDENCE_CHOICE, TEACHER_LOOPS } from '../../components/choices';
import { FormActions, InputField, SelectField } from '../../components/FormField';
import { CorpusQuestionFields, LoopSizeFields } from '../../components/LoopRunFields';
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
