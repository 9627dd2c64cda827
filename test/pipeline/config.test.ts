import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { parsePipelineConfig } from '../../src/pipeline/config.js';
import { errorOf } from './config-error.js';

const minimal = `
name: churn
data:
  source: customers.csv
  label: Churn
`;

describe('pipeline file', () => {
  test('defaults fill every section a minimal file leaves out', () => {
    const c = parsePipelineConfig(minimal);
    expect(c.data.split).toEqual({ test: 0.2, validation: 0.1, seed: 42, stratify: true });
    expect(c.model).toEqual({ preset: 'mlp' });
    expect(c.train).toMatchObject({ epochs: 10, batchSize: 32, optimizer: 'adam', seed: 42, callbacks: [] });
    expect(c.features).toBe('auto');
    expect(c.clean).toEqual([]);
    expect(c.output).toEqual({ register: true, promote: 'auto' });
    expect(c.evaluate.gates).toEqual([]);
  });

  test('the examples are valid pipeline files', () => {
    for (const file of ['examples/mnist.yaml', 'examples/churn.yaml', 'examples/credit.yaml']) {
      const text = readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');
      expect(() => parsePipelineConfig(text, file)).not.toThrow();
    }
    const churn = parsePipelineConfig(
      readFileSync(new URL('../../examples/churn.yaml', import.meta.url), 'utf8'),
    );
    expect(churn.clean.map((s) => s.step)).toEqual(['coerce', 'impute', 'dropColumns']);
    expect(churn.value).toMatchObject({ currency: 'USD', retention: { customerValue: 500 } });
  });

  test('a misspelt key is an error naming it, its line, and the likely intended key', () => {
    const message = errorOf(`${minimal}train:\n  epoch: 3\n`);
    expect(message).toContain('p.yaml:7: train.epoch: unknown key');
    expect(message).toContain("did you mean 'epochs'?");
  });

  test('a wrong type names the key, what was expected and what was given', () => {
    const message = errorOf(`${minimal}train:\n  epochs: three\n`);
    expect(message).toMatch(/p\.yaml:7: train\.epochs: expected number, got "three"/);
  });

  test('a missing required key is named', () => {
    expect(errorOf('name: x\ndata:\n  label: y\n')).toContain('data.source: missing');
    expect(errorOf('data:\n  source: a.csv\n  label: y\n')).toContain('name: missing');
  });

  test('a table without a label is refused; mnist needs none', () => {
    expect(errorOf('name: x\ndata:\n  source: a.csv\n')).toContain('needs a label column');
    expect(parsePipelineConfig('name: m\ndata:\n  source: mnist\n').data.source).toBe('mnist');
  });

  test('cleaning steps and features are checked by their own validators, with the key path', () => {
    expect(errorOf(`${minimal}clean:\n  - step: impute\n    colums: [a]\n`)).toMatch(/clean\[0\]\.colums/);
    expect(errorOf(`${minimal}features:\n  columns:\n    Age: { kind: standardd }\n`)).toMatch(/features/);
  });

  test('gates must read as "metric op number"', () => {
    expect(errorOf(`${minimal}evaluate:\n  gates: ['accuracy about 0.9']\n`)).toMatch(/evaluate\.gates\[0\]/);
    const ok = parsePipelineConfig(`${minimal}evaluate:\n  gates: ['auc >= 0.8']\n`);
    expect(ok.evaluate.gates).toEqual(['auc >= 0.8']);
  });

  test('the value section takes a cost matrix or a retention offer, not both', () => {
    const matrix = parsePipelineConfig(
      `${minimal}value:\n  matrix: { truePositive: 0, falsePositive: -1, trueNegative: 0, falseNegative: -5 }\n`,
    );
    expect(matrix.value).toMatchObject({ currency: 'EUR', per: 1000 });
    expect(errorOf(`${minimal}value:\n  retention: { customerValue: -5, offerCost: 1 }\n`)).toMatch(
      /value\.retention\.customerValue/,
    );
  });

  test('JSON pipeline files are read too, and bad syntax names the line', () => {
    const c = parsePipelineConfig('{"name": "j", "data": {"source": "a.csv", "label": "y"}}', 'p.json');
    expect(c.name).toBe('j');
    expect(errorOf('name: x\ndata: [\n', 'p.yaml')).toMatch(/^p\.yaml:\d+: not valid YAML/);
  });

  test('a model name that could escape a folder is refused', () => {
    expect(errorOf('name: ../x\ndata:\n  source: a.csv\n  label: y\n')).toContain('name');
  });
});
