import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { errorMessage } from '../../api/errors';
import { trpc } from '../../api/trpc';
import { Section } from '../../components/Section';

type Target = 'corpus-passages' | 'corpus-dataset' | 'questions';

/** Import a corpus or a question set by file upload: the server parses and stores it. */
export function ImportPanel() {
  const queryClient = useQueryClient();
  const corpora = useQuery(trpc.corpora.list.queryOptions());
  const [target, setTarget] = useState<Target>('corpus-passages');
  const [file, setFile] = useState<File | null>(null);
  const [name, setName] = useState('');
  const [corpusId, setCorpusId] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const onSuccess = (what: string) => {
    setDone(what);
    void queryClient.invalidateQueries();
  };
  const importCorpus = useMutation(
    trpc.corpora.import.mutationOptions({
      onSuccess: (r) =>
        onSuccess(`Corpus “${r.corpus.name}”: ${r.corpus.passageCount} passages, indexing queued.`),
    }),
  );
  const importQuestions = useMutation(
    trpc.questionSets.import.mutationOptions({
      onSuccess: (r) => onSuccess(`Question set “${r.name}”: ${r.questionCount} questions.`),
    }),
  );
  const pending = importCorpus.isPending || importQuestions.isPending;
  const error = importCorpus.error ?? importQuestions.error;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!file) return;
    setDone(null);
    const content = await file.text();
    const source = { content, filename: file.name };
    const label = name.trim() || file.name.replace(/\.[^.]+$/, '');
    if (target === 'questions') {
      importQuestions.mutate({ name: label, source, ...(corpusId ? { corpusId } : {}) });
    } else {
      importCorpus.mutate({
        name: label,
        source,
        kind: target === 'corpus-passages' ? 'passages' : 'dataset',
      });
    }
  };

  return (
    <Section id="import" title="Import">
      <form className="form-grid" onSubmit={submit}>
        <label>
          What
          <select id="import-kind" value={target} onChange={(e) => setTarget(e.target.value as Target)}>
            <option value="corpus-passages">Corpus: JSONL of {'{id, title, text}'}</option>
            <option value="corpus-dataset">Corpus: paragraphs of a dataset file</option>
            <option value="questions">Question set: HotpotQA / 2Wiki / MuSiQue / IRCoT</option>
          </select>
        </label>
        <label>
          File
          <input
            id="import-file"
            type="file"
            accept=".json,.jsonl,.txt"
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
          />
        </label>
        <label>
          Name
          <input
            id="import-name"
            type="text"
            value={name}
            placeholder={file?.name ?? 'from the file name'}
            onChange={(e) => setName(e.target.value)}
          />
        </label>
        {target === 'questions' && (
          <label>
            Resolve gold passages in
            <select id="import-corpus" value={corpusId} onChange={(e) => setCorpusId(e.target.value)}>
              <option value="">(no corpus)</option>
              {corpora.data?.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </label>
        )}
        <div className="form-actions">
          <button id="import-submit" type="submit" className="btn btn-primary" disabled={!file || pending}>
            {pending ? 'Importing…' : 'Import'}
          </button>
          {done && <span className="ok-text">{done}</span>}
          {error && <span className="error-text">{errorMessage(error)}</span>}
        </div>
      </form>
    </Section>
  );
}
