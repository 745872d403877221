import type { LoopName } from '@steper/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { trpc } from '../../api/trpc';
import { ALL_LOOPS, EVIDENCE_CHOICE } from '../../components/choices';
import { type Choice, FormActions, InputField, SelectField } from '../../components/FormField';
import { CorpusQuestionFields, LoopSizeFields } from '../../components/LoopRunFields';
import { Section } from '../../components/Section';

const PROMPT_STYLES: Choice[] = [
  { value: 'teacher', label: 'teacher (few-shot)' },
  { value: 'student', label: 'student (q, P≤s)' },
];

/** Evaluate a generator with a loop on a question set; the result is comparable here. */
export function EvalForm() {
  const queryClient = useQueryClient();
  const corpora = useQuery(trpc.corpora.list.queryOptions());
  const sets = useQuery(trpc.questionSets.list.queryOptions());
  const endpoints = useQuery(trpc.teachers.endpoints.queryOptions());
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
  const submit = (e: FormEvent) => {
    e.preventDefault();
    start.mutate({
      name: f.name.trim() || `${f.generator} · ${f.loop} · K=${f.topK}`,
      corpusId,
      questionSetId,
      loop: f.loop as LoopName,
      maxSteps: f.maxSteps,
      topK: f.topK,
      promptStyle: f.promptStyle as 'teacher' | 'student',
      generator:
        f.generator === 'evidence' ? { kind: 'evidence' } : { kind: 'openai', endpoint: f.generator },
      ...(f.limit ? { limit: Number(f.limit) } : {}),
    });
  };
  return (
    <Section id="eval-form" title="New evaluation">
      <form className="form-grid" onSubmit={submit}>
        <InputField
          id="eval-name"
          label="Name"
          placeholder={`${f.generator} · ${f.loop} · K=${f.topK}`}
          value={f.name}
          onChange={(v) => set('name', v)}
        />
        <SelectField
          id="eval-generator"
          label="Generator"
          value={f.generator}
          onChange={(v) => set('generator', v)}
          choices={[
            EVIDENCE_CHOICE,
            ...(endpoints.data?.map((ep) => ({ value: ep.name, label: ep.name })) ?? []),
          ]}
        />
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
          disabled={!corpusId || !questionSetId}
          error={start.error}
        />
      </form>
    </Section>
  );
}
