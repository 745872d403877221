import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { errorMessage } from '../../api/errors';
import { trpc } from '../../api/trpc';
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
        <label>
          Corpus
          <select id="teach-corpus" value={corpusId} onChange={(e) => set('corpusId', e.target.value)}>
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
            id="teach-questions"
            value={questionSetId}
            onChange={(e) => set('questionSetId', e.target.value)}
          >
            {sets.data?.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name} ({s.questionCount})
              </option>
            ))}
          </select>
        </label>
        <label>
          Loop
          <select
            id="teach-loop"
            value={form.loop}
            onChange={(e) => set('loop', e.target.value as 'ircot' | 'self-ask')}
          >
            <option value="ircot">IRCoT</option>
            <option value="self-ask">Self-Ask</option>
          </select>
        </label>
        <label>
          Teacher
          <select id="teach-teacher" value={form.teacher} onChange={(e) => set('teacher', e.target.value)}>
            <option value="evidence">Evidence teacher (offline, no LM)</option>
            {endpoints.data?.map((ep) => (
              <option key={ep.name} value={ep.name}>
                {ep.name} · {ep.model ?? ''}
              </option>
            ))}
          </select>
        </label>
        <label className="narrow">
          S (max steps)
          <input
            id="teach-s"
            type="number"
            min={1}
            max={20}
            value={form.maxSteps}
            onChange={(e) => set('maxSteps', Number(e.target.value))}
          />
        </label>
        <label className="narrow">
          K (top-k)
          <input
            id="teach-k"
            type="number"
            min={1}
            max={100}
            value={form.topK}
            onChange={(e) => set('topK', Number(e.target.value))}
          />
        </label>
        <label className="narrow">
          Only first N
          <input
            id="teach-limit"
            type="number"
            min={1}
            placeholder="all"
            value={form.limit}
            onChange={(e) => set('limit', e.target.value)}
          />
        </label>
        <label>
          Name
          <input
            id="teach-name"
            type="text"
            value={form.name}
            placeholder="ircot · evidence"
            onChange={(e) => set('name', e.target.value)}
          />
        </label>
        <div className="form-actions">
          <button
            id="teach-start"
            type="submit"
            className="btn btn-primary"
            disabled={!corpusId || !questionSetId || start.isPending}
          >
            {start.isPending ? 'Starting…' : 'Start run'}
          </button>
          {start.data && <span className="ok-text">Queued {start.data.run.id}.</span>}
          {start.error && <span className="error-text">{errorMessage(start.error)}</span>}
        </div>
      </form>
    </Section>
  );
}
