import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadMnist } from '../../../src/data/mnist.js';
import { type Row, Table } from '../../../src/data/table.js';
import { type Artifact, loadArtifact } from '../../../src/pipeline/artifact.js';
import { InvalidArgumentError, NotFoundError, UnavailableError } from '../../../src/serve/errors.js';
import { createServing, type ModelServing } from '../../../src/serve/runtime.js';
import type { InferenceInput, LoadedVersion } from '../../../src/serve/types.js';
import { tensor } from '../../../src/tensor/creation.js';
import { churnRecords, type Models, mnistPngs, registerModels } from './fixtures/models.js';

describe('the serving runtime answers as the artifact does', () => {
  let models: Models;
  let serving: ModelServing;
  let churn: LoadedVersion;
  let mnist: LoadedVersion;
  let churnArtifact: Artifact;
  let mnistArtifact: Artifact;
  let digits: Float32Array;
  let records: Row[];

  beforeAll(async () => {
    models = await registerModels({ mnist: true });
    serving = await createServing({ home: models.home });
    churn = serving.resolve('churn', { kind: 'default' });
    mnist = serving.resolve('mnist', { kind: 'default' });
    churnArtifact = await loadArtifact(`${models.home}/models/churn/1`);
    mnistArtifact = await loadArtifact(`${models.home}/models/mnist/1`);
    digits = (await loadMnist()).test.images.values as Float32Array;
    records = await churnRecords(30);
  });

  afterAll(async () => {
    await serving?.close();
    await models?.remove();
  });

  test('serves every model with a production version, with its signature', () => {
    expect(serving.names().sort()).toEqual(['churn', 'mnist']);
    expect(serving.ready()).toBe(true);
    expect(serving.status('churn').map((v) => [v.version, v.stage])).toEqual([[1, 'production']]);
    expect(churn.signature).toEqual({
      inputs: [{ name: 'features', dtype: 'DT_FLOAT', shape: [-1, churnArtifact.features!.numFeatures] }],
      outputs: [{ name: 'probabilities', dtype: 'DT_FLOAT', shape: [-1, 1] }],
      methods: ['predict', 'classify'],
    });
    expect(mnist.signature).toEqual({
      inputs: [{ name: 'image', dtype: 'DT_FLOAT', shape: [-1, 28, 28, 1] }],
      outputs: [{ name: 'probabilities', dtype: 'DT_FLOAT', shape: [-1, 10] }],
      methods: ['predict', 'classify'],
    });
    expect(churn.meta.classes).toEqual(['No', 'Yes']);
  });

  test('tensors: the same numbers as Artifact.predict in-process', async () => {
    const count = 12;
    const width = churnArtifact.features!.numFeatures;
    const x = Float32Array.from({ length: count * width }, (_, i) => Math.sin(i));
    const expected = churnArtifact.predict([tensor(x.slice(), { shape: [count, width] })]);
    const answer = await serving.infer(churn, { kind: 'tensors', count, inputs: [x] });
    expect(answer.width).toBe(1);
    expect(Array.from(answer.outputs)).toEqual(Array.from(expected.outputs));
  });

  test('records: the numbers of Artifact.scoreTable; rows the cleaning sets aside come back with index and reason', async () => {
    const sent = records.map((r, i) => (i === 4 ? { ...r, tenure: 'soon' } : r));
    const expected = churnArtifact.scoreTable(Table.fromRows(sent));
    expect(expected.kept.numRows).toBe(29);
    const answer = await serving.infer(churn, { kind: 'records', records: sent });
    expect(Array.from(answer.outputs)).toEqual(Array.from(expected.outputs));
    expect(answer.rejected).toEqual([
      { index: 4, reason: expect.stringContaining("tenure: 'soon' is not an integer") },
    ]);
  });

  test('a record without a field the model needs fails its own request, naming the field; others in the batch are answered', async () => {
    const missing = records.slice(0, 5).map((r, i) => {
      if (i !== 2) return r;
      const { tenure: _, ...rest } = r;
      return rest;
    });
    const good = records.slice(5, 10);
    const [bad, fine] = await Promise.allSettled([
      serving.infer(churn, { kind: 'records', records: missing }),
      serving.infer(churn, { kind: 'records', records: good }),
    ]);
    expect(bad.status).toBe('rejected');
    const error = (bad as PromiseRejectedResult).reason;
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error.message).toMatch(/^examples\[2\] has no field 'tenure'/);
    expect(fine.status).toBe('fulfilled');
    const expected = churnArtifact.scoreTable(Table.fromRows(good)).outputs;
    expect(Array.from((fine as PromiseFulfilledResult<{ outputs: Float32Array }>).value.outputs)).toEqual(
      Array.from(expected),
    );
  });

  test('a value of the wrong type is refused naming the field; a column the features never read may be left out', async () => {
    const nested = { ...records[0], Contract: { months: 12 } };
    await expect(serving.infer(churn, { kind: 'records', records: [nested] })).rejects.toThrow(
      new InvalidArgumentError('examples[0].Contract is object; expected a string, number, boolean or null'),
    );
    const { customerID: _, Churn: __, ...anonymous } = records[0];
    const answer = await serving.infer(churn, { kind: 'records', records: [anonymous] });
    expect(answer.outputs[0]).toBe(churnArtifact.scoreTable(Table.fromRows([records[0]])).outputs[0]);
  });

  test('images: PNG files give the numbers of Artifact.scoreImages; one that does not decode is named by index', async () => {
    const pngs = mnistPngs(digits, 20);
    const expected = mnistArtifact.scoreImages(pngs.map((bytes, i) => ({ bytes, source: `${i}.png` })));
    const answer = await serving.infer(mnist, { kind: 'images', images: pngs.map((p) => p.slice()) });
    expect(answer.width).toBe(10);
    expect(Array.from(answer.outputs)).toEqual(Array.from(expected.outputs));
    // The runtime takes the arrays it is given (their buffers move to the worker): send copies.
    const broken = () => [pngs[0].slice(), new Uint8Array([137, 80, 78, 71, 1, 2, 3])];
    await expect(serving.infer(mnist, { kind: 'images', images: broken() })).rejects.toThrow(
      /^images\[1\]: /,
    );
    await expect(serving.infer(mnist, { kind: 'images', images: broken() })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
  });

  test('input that does not fit the signature is refused before it is queued', async () => {
    const before = serving.stats().batches;
    const short: InferenceInput = { kind: 'tensors', count: 2, inputs: [new Float32Array(784)] };
    await expect(serving.infer(mnist, short)).rejects.toThrow(
      "model 'mnist' version 1: input 'image' needs 2 × [28, 28, 1] = 1568 float32 values, got 784",
    );
    await expect(serving.infer(mnist, { kind: 'records', records })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    await expect(serving.infer(churn, { kind: 'records', records: [] })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    expect(serving.stats().batches).toBe(before);
  });

  test('an array sent twice is refused the second time: its buffer went to the worker with the first', async () => {
    const pixels = digits.slice(0, 784);
    await serving.infer(mnist, { kind: 'tensors', count: 1, inputs: [pixels] });
    await expect(
      serving.infer(mnist, { kind: 'tensors', count: 1, inputs: [pixels] }),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  test('an unknown model, version or label is NotFound, naming what exists', () => {
    const resolve = (name: string, selector: Parameters<ModelServing['resolve']>[1]) => () =>
      serving.resolve(name, selector);
    expect(resolve('churm', { kind: 'default' })).toThrow(
      new NotFoundError("model 'churm' is not served; served models: churn, mnist"),
    );
    expect(resolve('../../etc', { kind: 'default' })).toThrow(NotFoundError);
    expect(resolve('churn', { kind: 'version', version: 9 })).toThrow(
      new NotFoundError("model 'churn' has no version 9; versions are 1, 2"),
    );
    expect(resolve('churn', { kind: 'label', label: 'staging' })).toThrow(
      new NotFoundError("model 'churn' has no label 'staging'; labels are candidate, production, archived"),
    );
    expect(resolve('churn', { kind: 'label', label: 'archived' })).toThrow(
      new NotFoundError("model 'churn' has no archived version; versions are 1 (production), 2 (candidate)"),
    );
    expect(() => serving.status('nope')).toThrow(NotFoundError);
  });

  test('a registered version that is not loaded is loaded on demand and kept', async () => {
    expect(() => serving.resolve('churn', { kind: 'version', version: 2 })).toThrow(UnavailableError);
    const v2 = await serving.load('churn', { kind: 'version', version: 2 });
    expect([v2.version, v2.stage]).toEqual([2, 'candidate']);
    expect(serving.resolve('churn', { kind: 'label', label: 'candidate' })).toBe(v2);
    expect(serving.status('churn').map((v) => v.version)).toEqual([1, 2]);
    const artifact = await loadArtifact(`${models.home}/models/churn/2`);
    const sent = records.slice(0, 8);
    const [first, second] = await Promise.all([
      serving.infer(churn, { kind: 'records', records: sent }),
      serving.infer(v2, { kind: 'records', records: sent }),
    ]);
    expect(Array.from(second.outputs)).toEqual(Array.from(artifact.scoreTable(Table.fromRows(sent)).outputs));
    expect(Array.from(second.outputs)).not.toEqual(Array.from(first.outputs));
  });
});
