import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { trpc } from '../../api/trpc';
import { type Choice, Field, FormActions, InputField, SelectField } from '../../components/FormField';
import { Section } from '../../components/Section';

type Target = 'corpus-passages' | 'corpus-dataset' | 'questions';

/** core's ANALYZER_NAMES, said briefly (a select clips longer names): Lucene's EnglishAnalyzer, or lower-cased words without stop words or stemming. */
const ANALYZERS: Choice[] = [
  { value: 'english', label: 'English (Lucene’s, as IRCoT)' },
  { value: 'steper', label: 'Words, no stemming' },
];

const TARGETS: Choice[] = [
  { value: 'corpus-passages', label: 'Corpus: JSONL of {id, title, text}' },
  { value: 'corpus-dataset', label: 'Corpus: paragraphs of a dataset file' },
  { value: 'questions', label: 'Question set: HotpotQA / 2Wiki / MuSiQue / IRCoT' },
];

/** Import a corpus or a question set by file upload: the server parses and stores it. */
export function ImportPanel() {
  const queryClient = useQueryClient();
  const corpora = useQuery(trpc.corpora.list.queryOptions());
  const [target, setTarget] = useState<Target>('corpus-passages');
  const [file, setFile] = useState<File | null>(null);
  const [name, setName] = useState('');
  const [corpusId, setCorpusId] = useState('');
  const [analyzer, setAnalyzer] = useState<'english' | 'steper'>('english');
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
        analyzer,
      });
    }
  };

  return (
    <Section id="import" title="Import">
      <form className="form-grid" onSubmit={submit}>
        <SelectField
          id="import-kind"
          label="What"
          value={target}
          onChange={(v) => setTarget(v as Target)}
          choices={TARGETS}
        />
        <Field label="File" htmlFor="import-file">
          <input
            id="import-file"
            type="file"
            accept=".json,.jsonl,.txt"
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
          />
        </Field>
        <InputField
          id="import-name"
          label="Name"
          placeholder={file?.name ?? 'from the file name'}
          value={name}
          onChange={setName}
        />
        {target !== 'questions' && (
          <SelectField
            id="import-analyzer"
            label="BM25 analyser"
            value={analyzer}
            onChange={(v) => setAnalyzer(v as 'english' | 'steper')}
            choices={ANALYZERS}
          />
        )}
        {target === 'questions' && (
          <SelectField
            id="import-corpus"
            label="Resolve gold passages in"
            value={corpusId}
            onChange={setCorpusId}
            choices={[
              { value: '', label: '(no corpus)' },
              ...(corpora.data?.map((c) => ({ value: c.id, label: c.name })) ?? []),
            ]}
          />
        )}
        <FormActions
          id="import-submit"
          label="Import"
          pendingLabel="Importing…"
          pending={pending}
          disabled={!file}
          done={done}
          error={error}
        />
      </form>
    </Section>
  );
}
