/**
 * A child process for the crash tests: saves one annotation over and over, each write naming its
 * version in its reason and its edited target, and prints each version once the save returned.
 * It runs until it is killed. Args: WORKSPACE DATASET_ID EXAMPLE_ID
 */
import { Store } from '../../src/store/store';

const [dir, datasetId, exampleId] = process.argv.slice(2) as [string, string, string];
const store = Store.open(dir);
const example = store.stepDatasets.example(datasetId, exampleId)!;
// A long target: each write spans many pages, so a kill can land in the middle of one.
const body = 'x'.repeat(200_000);
for (;;) {
  const current = store.annotations.get(datasetId, exampleId, 'crash');
  const next = (current?.version ?? 0) + 1;
  const saved = store.annotations.save({
    datasetId,
    exampleId,
    questionId: example.questionId,
    annotator: 'crash',
    status: 'edited',
    editedTarget: `${body}v${next}`,
    reason: `v${next}`,
    ...(current ? { expectedVersion: current.version } : {}),
  });
  process.stdout.write(`${saved.version}\n`);
}
