import { UserError } from '../errors';
import { ANALYSIS_HELP, analysisCommand } from './commands/analysis';
import {
  INDEX_HELP,
  indexCommand,
  QUESTIONS_HELP,
  questionsCommand,
  SEARCH_HELP,
  searchCommand,
} from './commands/data';
import { DEMO_HELP, demoCommand } from './commands/demo';
import { EVAL_HELP, evalCommand } from './commands/eval';
import { EXPERIMENT_HELP, experimentCommand } from './commands/experiment';
import { LIST_HELP, listCommand, RESUME_HELP, resumeCommand } from './commands/jobs';
import { JUDGE_HELP, judgeCommand } from './commands/judge';
import { SERVE_HELP, serveCommand } from './commands/serve';
import { BUILD_HELP, buildCommand, TEACH_HELP, teachCommand } from './commands/teach';
import { TRAIN_HELP, trainCommand } from './commands/train';

const COMMANDS: Record<string, { run: (argv: string[]) => Promise<number>; help: string }> = {
  serve: { run: serveCommand, help: SERVE_HELP },
  demo: { run: demoCommand, help: DEMO_HELP },
  index: { run: indexCommand, help: INDEX_HELP },
  questions: { run: questionsCommand, help: QUESTIONS_HELP },
  search: { run: searchCommand, help: SEARCH_HELP },
  teach: { run: teachCommand, help: TEACH_HELP },
  build: { run: buildCommand, help: BUILD_HELP },
  train: { run: trainCommand, help: TRAIN_HELP },
  eval: { run: evalCommand, help: EVAL_HELP },
  judge: { run: judgeCommand, help: JUDGE_HELP },
  experiment: { run: experimentCommand, help: EXPERIMENT_HELP },
  analysis: { run: analysisCommand, help: ANALYSIS_HELP },
  resume: { run: resumeCommand, help: RESUME_HELP },
  list: { run: listCommand, help: LIST_HELP },
};

const USAGE = `steper — the StepER Workbench from the command line
Every command takes --workspace DIR (default $STEPER_WORKSPACE or ./workspace) and --endpoints FILE.

${Object.values(COMMANDS)
  .map((c) => c.help)
  .join('\n\n')}
`;

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(USAGE);
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`Unknown command "${name}".\n\n${USAGE}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${command.help}\n`);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    // User errors and bad flags print as one line; anything else is a bug and keeps its stack.
    const known = err instanceof UserError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(
      `steper ${name}: ${known ? (err as Error).message : ((err as Error).stack ?? String(err))}\n`,
    );
    return known ? 1 : 70;
  }
}

// Run when executed directly (tsx apps/server/src/cli/main.ts …), not when imported by tests.
if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('/cli/main.ts')) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
