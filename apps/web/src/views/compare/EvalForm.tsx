import type { LoopName } from '@steper/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { errorMessage } from '../../api/errors';
import { trpc } from '../../api/trpc';
import { Section } from '../../components/Section';

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
        <label>
          Name
          <input
            id="eval-name"
            type="text"
            value={f.name}
            placeholder={`${f.generator} · ${f.loop} · K=${f.topK}`}
            onChange={(e) => set('name', e.target.value)}
          />
        </label>
        <label>
          Generator
          <select id="eval-generator" value={f.generator} onChange={(e) => set('generator', e.target.value)}>
            <option value="evidence">Evidence teacher (offline, no LM)</option>
            {endpoints.data?.map((ep) => (
              <option key={ep.name} value={ep.name}>
                {ep.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Corpus
          <select id="eval-corpus" value={corpusId} onChange={(e) => set('corpusId', e.target.value)}>
            {corpora.data?.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Questions
          <select
            id="eval-questions"
            value={questionSetId}
            onChange={(e) => set('questionSetId', e.target.value)}
          >
            {sets.data?.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
        <label className="narrow">
          Loop
          <select id="eval-loop" value={f.loop} onChange={(e) => set('loop', e.target.value)}>
            <option value="ircot">IRCoT</option>
            <option value="self-ask">Self-Ask</option>
            <option value="single-step">single-step</option>
            <option value="no-retrieval">no retrieval</option>
          </select>
        </label>
        <label className="narrow">
          Prompt
          <select id="eval-style" value={f.promptStyle} onChange={(e) => set('promptStyle', e.target.value)}>
            <option value="teacher">teacher (few-shot)</option>
            <option value="student">student (q, P≤s)</option>
          </select>
        </label>
        <label className="narrow">
          S
          <input
            id="eval-s"
            type="number"
            min={1}
            max={20}
            value={f.maxSteps}
            onChange={(e) => set('maxSteps', Number(e.target.value))}
          />
        </label>
        <label className="narrow">
          K
          <input
            id="eval-k"
            type="number"
            min={1}
            max={100}
            value={f.topK}
            onChange={(e) => set('topK', Number(e.target.value))}
          />
        </label>
        <label className="narrow">
          Only first N
          <input
            id="eval-limit"
            type="number"
            min={1}
            value={f.limit}
            placeholder="all"
            onChange={(e) => set('limit', e.target.value)}
          />
        </label>
        <div className="form-actions">
          <button
            id="eval-start"
            type="submit"
            className="btn btn-primary"
            disabled={!corpusId || !questionSetId || start.isPending}
          >
            {start.isPending ? 'Starting…' : 'Start evaluation'}
          </button>
          {start.error && <span className="error-text">{errorMessage(start.error)}</span>}
        </div>
      </form>
    </Section>
  );
}
