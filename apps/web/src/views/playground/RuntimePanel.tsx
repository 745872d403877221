import { ProgressBar } from '../../components/ProgressBar';
import type { LoadErrorKind, ReadyInfo } from '../../inference/protocol';
import type { BackendPreference } from '../../inference/variant';
import type { PlaygroundState } from './state';

const MB = 1024 * 1024;
const mb = (bytes: number) => `${(bytes / MB).toFixed(bytes < 10 * MB ? 2 : 0)} MB`;

const ERROR_TITLES: Record<LoadErrorKind, string> = {
  'missing-file': 'A model file is missing',
  webgpu: 'WebGPU failed',
  'out-of-memory': 'Out of memory while loading the student',
  other: 'The student could not be loaded',
};

/** Loading progress, the backend really in use and why, fallbacks, and load failures with a way on. */
export function RuntimePanel({
  state,
  backend,
  onBackend,
  onRetry,
}: {
  state: PlaygroundState;
  backend: BackendPreference;
  onBackend: (b: BackendPreference) => void;
  onRetry: () => void;
}) {
  const { load, notices } = state;
  return (
    <section
      className="panel"
      id="playground-runtime"
      data-testid="playground-runtime"
      data-load={load.status}
    >
      <header className="panel-head">
        <h2>Runtime</h2>
        <div className="panel-actions">
          <label className="pg-inline">
            Backend{' '}
            <select
              id="playground-backend"
              value={backend}
              onChange={(e) => onBackend(e.target.value as BackendPreference)}
            >
              <option value="auto">Auto (WebGPU if possible)</option>
              <option value="webgpu">WebGPU</option>
              <option value="wasm">WASM (CPU)</option>
            </select>
          </label>
        </div>
      </header>
      <div className="panel-body">
        {load.status === 'loading' && (
          <div data-testid="playground-progress">
            <ProgressBar
              status="running"
              progress={{
                done: load.progress?.loaded ?? 0,
                total: load.progress?.total ?? null,
                rate: null,
                etaSeconds: null,
                message: load.progress
                  ? load.progress.file
                    ? `${load.progress.fromCache ? 'from cache' : 'downloading'}: ${shortName(load.progress.file)} (file ${load.progress.filesDone + 1} of ${load.progress.filesTotal}) · ${mb(load.progress.loaded)} of ${mb(load.progress.total)}`
                    : 'starting the sessions'
                  : 'reading the manifest',
              }}
            />
          </div>
        )}
        {load.status === 'error' && (
          <div
            className="state state-error"
            role="alert"
            data-testid="playground-load-error"
            data-kind={load.kind}
          >
            <div className="state-title">{ERROR_TITLES[load.kind]}</div>
            <div className="state-body mono-wrap">{load.message}</div>
            <div className="pg-row">
              {backend !== 'wasm' && (
                <button type="button" className="btn" onClick={() => onBackend('wasm')}>
                  Use WASM instead
                </button>
              )}
              <button type="button" className="btn" onClick={onRetry}>
                Try again
              </button>
            </div>
          </div>
        )}
        {load.status === 'ready' && <ReadySummary info={load.info} />}
        {notices.length > 0 && (
          <ul className="pg-notices" data-testid="playground-notices">
            {notices.map((n, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: notices are append-only
              <li key={i} role="status">
                {n}
              </li>
            ))}
          </ul>
        )}
      </div>
    </section>
  );
}

function shortName(url: string): string {
  const path = new URL(url, location.href).pathname;
  return path.replace(/^\/demo\//, '');
}

function ReadySummary({ info }: { info: ReadyInfo }) {
  const software = info.gpu.available && info.gpu.software;
  const fromCache =
    info.fromCacheBytes === 0 ? 'none' : info.fromCacheBytes === info.totalBytes ? 'all' : 'some';
  return (
    <div
      className="pg-ready"
      data-testid="playground-ready"
      data-from-cache={fromCache}
      data-load-ms={Math.round(info.loadMs)}
      data-total-bytes={info.totalBytes}
    >
      <div className="pg-row">
        {info.students.map((s) => (
          <span
            key={s.id}
            className={`pg-backend pg-backend-${s.backend}`}
            data-testid="backend-badge"
            data-student={s.id}
            data-backend={s.backend}
            data-variant={s.variant}
            data-threads={s.backend === 'wasm' ? info.wasmThreads : undefined}
            title={s.reason}
          >
            {s.label}:{' '}
            <strong>
              {s.backend === 'webgpu'
                ? 'WebGPU'
                : `WASM (${info.wasmThreads} thread${info.wasmThreads === 1 ? '' : 's'})`}
            </strong>{' '}
            · {s.variant} · {mb(s.modelBytes)}
          </span>
        ))}
      </div>
      <div className="muted pg-small">
        {info.students[0]?.reason}. WebGPU adapter:{' '}
        {info.gpu.available
          ? `${info.gpu.adapter}, shader-f16 ${info.gpu.shaderF16 ? 'yes' : 'no'}, maxBufferSize ${mb(info.gpu.maxBufferSize)}`
          : `none (${info.gpu.reason})`}
        {software && ' — a software adapter: WebGPU runs on the CPU here, not a GPU'}. onnxruntime-web{' '}
        {info.ortVersion}, {info.wasmThreadsReason}. Loaded {mb(info.totalBytes)} in{' '}
        {(info.loadMs / 1000).toFixed(1)} s ({mb(info.fromCacheBytes)} from the browser cache). Corpus:{' '}
        {info.corpus.name}.
      </div>
    </div>
  );
}
