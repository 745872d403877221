import { InputField, SelectField } from './FormField';

interface Named {
  id: string;
  name: string;
}

/** The corpus and question-set pickers every loop-run form starts from (teacher runs, evaluations). */
export function CorpusQuestionFields({
  idPrefix,
  corpora,
  sets,
  value,
  onChange,
}: {
  idPrefix: string;
  corpora: readonly Named[] | undefined;
  sets: readonly (Named & { questionCount: number })[] | undefined;
  value: { corpusId: string; questionSetId: string };
  onChange: (change: { corpusId: string } | { questionSetId: string }) => void;
}) {
  return (
    <>
      <SelectField
        id={`${idPrefix}-corpus`}
        label="Corpus"
        value={value.corpusId}
        onChange={(corpusId) => onChange({ corpusId })}
        choices={corpora?.map((c) => ({ value: c.id, label: c.name })) ?? []}
      />
      <SelectField
        id={`${idPrefix}-questions`}
        label="Questions"
        value={value.questionSetId}
        onChange={(questionSetId) => onChange({ questionSetId })}
        choices={sets?.map((s) => ({ value: s.id, label: `${s.name} (${s.questionCount})` })) ?? []}
      />
    </>
  );
}

export interface LoopSize {
  maxSteps: number;
  topK: number;
  /** Only the first N questions; '' = all. */
  limit: string;
}

/** S, K and "only the first N questions" of a loop run. */
export function LoopSizeFields({
  idPrefix,
  value,
  onChange,
}: {
  idPrefix: string;
  value: LoopSize;
  onChange: (change: Partial<LoopSize>) => void;
}) {
  return (
    <>
      <InputField
        id={`${idPrefix}-s`}
        label="S (max steps)"
        type="number"
        min={1}
        max={20}
        width="narrow"
        value={value.maxSteps}
        onChange={(v) => onChange({ maxSteps: Number(v) })}
      />
      <InputField
        id={`${idPrefix}-k`}
        label="K (top-k)"
        type="number"
        min={1}
        max={100}
        width="narrow"
        value={value.topK}
        onChange={(v) => onChange({ topK: Number(v) })}
      />
      <InputField
        id={`${idPrefix}-limit`}
        label="Only first N"
        type="number"
        min={1}
        placeholder="all"
        width="narrow"
        value={value.limit}
        onChange={(v) => onChange({ limit: v })}
      />
    </>
  );
}
