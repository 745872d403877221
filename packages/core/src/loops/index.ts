export type { LoopDeps } from './context';
export { LoopStepError } from './errors';
export { runLoop } from './run-loop';
