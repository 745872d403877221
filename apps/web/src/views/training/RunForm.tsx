import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { errorMessage } from '../../api/errors';
import { trpc } from '../../api/trpc';
import { LazyEditor } from '../../components/LazyEditor';
import { Section } from '../../components/Section';

/** The trainer's config (apps/trainer TrainConfig) as the form edits it; `data`/`out_dir` are the server's. */
export type TrainerConfig = Record<string, unknown>;

const OBJECTIVES = [
  ['vanilla', 'Vanilla-KD (agg examples only)'],
  ['steper-uniform', 'StepER · uniform λ = (1, 1, 1)'],
  ['steper-fixed', 'StepER · fixed λ'],
  ['steper-difficulty', 'StepER · difficulty-aware σ (Eq. 4)'],
] as const;
const STEP_CONFIGS = ['agg', 'init+agg', 'init+exp1+agg', 'all'] as const;

/** The config fields a student's size decides (training.students' defaults). */
const MODEL_FIELDS = [
  'lr',
  'batch_size',
  'epochs',
  'max_seq_len',
  'device',
  'precision',
  'gradient_checkpointing',
  'eval_every',
  'checkpoint_every',
] as const;

const pick = (c: TrainerConfig, keys: readonly string[]): TrainerConfig =>
  Object.fromEntries(keys.map((k) => [k, c[k]]));

/** The paper's settings for a 0.5B student; a picked student replaces MODEL_FIELDS with its own. */
export const DEFAULT_CONFIG: TrainerConfig = {
  model: '',
  objective: 'steper-difficulty',
  step_config: 'all',
  lr: 5e-6,
  sigma_lr: 1e-2,
  epochs: 2,
  batch_size: 16,
  stage_weights: [1.5, 1, 0.5],
  eval_fraction: 0.05,
  eval_every: 200,
  checkpoint_every: 500,
  precision: 'auto',
  device: 'auto',
  lora: false,
  gradient_checkpointing: true,
  max_seq_len: 2048,
  max_steps: null,
};

/** The student picker's value for a typed Hugging Face name or folder (the paper's defaults). */
const OTHER = 'other';
const OTHER_NOTE =
  'A Hugging Face name or a local model folder: the defaults are the paper’s for a 0.5B student on a GPU (lr 5e-6, batch 16, 2,048 tokens, gradient checkpointing).';

/**
 * Configure a run in a form or as JSON (Monaco); both edit the same config. The student is picked
 * from the workspace's (the dataset's tiny student first, built on first use), and picking one
 * sets the fields whose right value depends on the model.
 */
export function RunForm({
  datasetId: initialDataset,
  onStarted,
}: {
  datasetId?: string;
  onStarted: (runId: string) => void;
}) {
  const queryClient = useQueryClient();
  const datasets = useQuery(trpc.stepData.list.queryOptions({}));
  const [tab, setTab] = useState<'form' | 'json'>('form');
  const [name, setName] = useState('');
  const [datasetId, setDatasetId] = useState(initialDataset ?? '');
  const [config, setConfig] = useState<TrainerConfig>(DEFAULT_CONFIG);
  const [json, setJson] = useState(() => JSON.stringify(DEFAULT_CONFIG, null, 2));
  const [jsonError, setJsonError] = useState<string | null>(null);
  const start = useMutation(
    trpc.training.start.mutationOptions({
      onSuccess: (r) => {
        void queryClient.invalidateQueries();
        onStarted(r.run.id);
      },
    }),
  );
  const dataset = datasetId || datasets.data?.[0]?.id || '';
  const students = useQuery(
    trpc.training.students.queryOptions({ datasetId: dataset }, { enabled: Boolean(dataset) }),
  );
  const [studentId, setStudentId] = useState('tiny');
  const [applied, setApplied] = useState<string | null>(null);
  const prepare = useMutation(trpc.training.prepareStudent.mutationOptions());
  const choice = studentId === OTHER ? undefined : students.data?.find((c) => c.id === studentId);
  const replace = (next: TrainerConfig) => {
    setConfig(next);
    setJson(JSON.stringify(next, null, 2));
  };
  const set = (k: string, v: unknown) => replace({ ...config, [k]: v });
  // A newly picked (or newly built) student brings its defaults once; later edits are the user's.
  const choiceKey = choice ? `${choice.id}:${choice.dir ?? ''}` : studentId;
  useEffect(() => {
    if (choiceKey === applied || (studentId !== OTHER && !choice)) return;
    setApplied(choiceKey);
    setConfig((c) => {
      const next =
        studentId === OTHER
          ? { ...c, ...pick(DEFAULT_CONFIG, MODEL_FIELDS), model: '' }
          : { ...c, ...choice!.defaults, model: choice!.dir ?? '' };
      setJson(JSON.stringify(next, null, 2));
      return next;
    });
  }, [choiceKey, applied, studentId, choice]);
  const onStart = async () => {
    let next = config;
    if (choice?.id === 'tiny' && !choice.dir) {
      // Built on first use: its tokenizer is trained on this dataset, and the longest example
      // in that tokenizer sets a sequence length that cuts nothing.
      const built = await prepare.mutateAsync({ datasetId: dataset });
      next = { ...config, model: built.dir, max_seq_len: built.defaults.max_seq_len };
      setApplied(`${built.id}:${built.dir ?? ''}`);
      replace(next);
      void queryClient.invalidateQueries({ queryKey: trpc.training.students.queryKey() });
    }
    start.mutate({ name: name.trim() || objective || 'training run', datasetId: dataset, config: next });
  };
  const onJson = (text: string) => {
    setJson(text);
    try {
      const parsed = JSON.parse(text) as unknown;
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        throw new Error('the config must be a JSON object');
      setConfig(parsed as TrainerConfig);
      setJsonError(null);
    } catch (err) {
      setJsonError(errorMessage(err));
    }
  };
  const objective = String(config.objective ?? '');
  const numField = (k: string, label: string, step = 'any') => (
    <label className="narrow">
      {label}
      <input
        id={`train-${k.replace(/_/g, '-')}`}
        type="number"
        step={step}
        value={config[k] === null || config[k] === undefined ? '' : String(config[k])}
        placeholder="—"
        onChange={(e) => set(k, e.target.value === '' ? null : Number(e.target.value))}
      />
    </label>
  );

  return (
    <Section
      id="train-form"
      title="New training run"
      actions={
        <span className="segmented" role="tablist">
          <button
            type="button"
            id="train-tab-form"
            className={tab === 'form' ? 'on' : ''}
            onClick={() => setTab('form')}
          >
            Form
          </button>
          <button
            type="button"
            id="train-tab-json"
            className={tab === 'json' ? 'on' : ''}
            onClick={() => setTab('json')}
          >
            JSON
          </button>
        </span>
      }
    >
      <div className="form-grid">
        <label>
          Step dataset
          <select id="train-dataset" value={dataset} onChange={(e) => setDatasetId(e.target.value)}>
            {datasets.data?.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Run name
          <input
            id="train-name"
            type="text"
            value={name}
            placeholder={objective || 'training run'}
            onChange={(e) => setName(e.target.value)}
          />
        </label>
      </div>
      {tab === 'form' ? (
        <div className="form-grid" style={{ paddingTop: 0 }}>
          <label className="wide">
            Student model
            <select id="train-student" value={studentId} onChange={(e) => setStudentId(e.target.value)}>
              {students.data?.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.label}
                </option>
              ))}
              <option value={OTHER}>Other: a Hugging Face name or local folder…</option>
            </select>
            <span className="muted" data-testid="train-student-note">
              {studentId === OTHER ? OTHER_NOTE : (choice?.note ?? '')}
            </span>
          </label>
          {studentId === OTHER && (
            <label className="wide">
              Model (Hugging Face name or local folder)
              <input
                id="train-model"
                type="text"
                value={String(config.model ?? '')}
                placeholder="e.g. Qwen/Qwen2.5-0.5B-Instruct or /models/my-student"
                onChange={(e) => set('model', e.target.value)}
              />
            </label>
          )}
          <label>
            Objective
            <select
              id="train-objective"
              value={objective}
              onChange={(e) => {
                const v = e.target.value;
                setConfig((c) => {
                  const next = {
                    ...c,
                    objective: v,
                    step_config: v === 'vanilla' ? 'agg' : c.step_config === 'agg' ? 'all' : c.step_config,
                  };
                  setJson(JSON.stringify(next, null, 2));
                  return next;
                });
              }}
            >
              {OBJECTIVES.map(([v, l]) => (
                <option key={v} value={v}>
                  {l}
                </option>
              ))}
            </select>
          </label>
          <label>
            Step configuration (§6.1)
            <select
              id="train-step-config"
              value={String(config.step_config ?? 'all')}
              disabled={objective === 'vanilla'}
              onChange={(e) => set('step_config', e.target.value)}
            >
              {STEP_CONFIGS.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </label>
          {numField('lr', 'Learning rate')}
          {numField('epochs', 'Epochs', '1')}
          {numField('batch_size', 'Batch (questions)', '1')}
          {objective === 'steper-difficulty' && numField('sigma_lr', 'σ learning rate')}
          {objective === 'steper-fixed' && (
            <label>
              λ (init, exp, agg)
              <select
                id="train-stage-weights"
                value={JSON.stringify(config.stage_weights)}
                onChange={(e) => set('stage_weights', JSON.parse(e.target.value))}
              >
                <option value="[1.5,1,0.5]">1.5 · 1 · 0.5</option>
                <option value="[0.5,1,1.5]">0.5 · 1 · 1.5</option>
                <option value="[1,1,1]">1 · 1 · 1</option>
              </select>
            </label>
          )}
          {numField('eval_fraction', 'Held-out share')}
          {numField('eval_every', 'Eval every (steps)', '1')}
          {numField('checkpoint_every', 'Checkpoint every', '1')}
          {numField('max_steps', 'Max steps (optional)', '1')}
          {numField('max_seq_len', 'Max sequence length', '1')}
          <label className="narrow">
            Gradient checkpointing
            <select
              id="train-grad-ckpt"
              value={String(config.gradient_checkpointing ?? true)}
              onChange={(e) => set('gradient_checkpointing', e.target.value === 'true')}
            >
              <option value="true">on (less memory)</option>
              <option value="false">off (faster)</option>
            </select>
          </label>
          <label className="narrow">
            Device
            <select
              id="train-device"
              value={String(config.device ?? 'auto')}
              onChange={(e) => set('device', e.target.value)}
            >
              <option value="auto">auto</option>
              <option value="cuda">cuda</option>
              <option value="cpu">cpu</option>
            </select>
          </label>
          <label className="narrow">
            LoRA
            <select
              id="train-lora"
              value={String(Boolean(config.lora))}
              onChange={(e) => set('lora', e.target.value === 'true')}
            >
              <option value="false">full fine-tuning</option>
              <option value="true">LoRA adapters</option>
            </select>
          </label>
        </div>
      ) : (
        <div className="panel-body">
          <LazyEditor id="train-json" language="json" value={json} onChange={onJson} />
          {jsonError && <div className="error-text">JSON: {jsonError}</div>}
        </div>
      )}
      <div className="form-grid" style={{ paddingTop: 0 }}>
        <div className="form-actions">
          <button
            type="button"
            id="train-start"
            className="btn btn-primary"
            disabled={!dataset || Boolean(jsonError) || start.isPending || prepare.isPending}
            onClick={() => void onStart()}
          >
            {prepare.isPending
              ? 'Building the tiny student…'
              : start.isPending
                ? 'Starting…'
                : 'Start training'}
          </button>
          {(prepare.error ?? start.error) && (
            <span className="error-text" data-testid="train-error">
              {errorMessage(prepare.error ?? start.error)}
            </span>
          )}
        </div>
      </div>
    </Section>
  );
}
