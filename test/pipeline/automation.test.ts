import { describe, expect, test } from 'vitest';
import {
  automationValue,
  formatAmount,
  summarizeAutomation,
  wilsonLowerBound,
} from '../../src/pipeline/automation.js';
import { checkAgainstTask } from '../../src/pipeline/checks.js';
import { PipelineConfigError, parsePipelineConfig } from '../../src/pipeline/config.js';
import { EvaluationError } from '../../src/pipeline/evaluation.js';

/** Rows of 3 class probabilities whose top class is `top` with score `p`, the rest shared. */
function rows(tops: [top: number, p: number][]): Float32Array {
  return Float32Array.from(tops.flatMap(([top, p]) => [0, 1, 2].map((c) => (c === top ? p : (1 - p) / 2))));
}

/** `count` rows of 3 class probabilities whose top class has score `p`; `right` of them are right. */
function group(count: number, p: number, right: number): { scores: number[]; labels: number[] } {
  const scores = Array.from(rows(Array.from({ length: count }, () => [0, p] as [number, number])));
  return { scores, labels: Array.from({ length: count }, (_, i) => (i < right ? 0 : 1)) };
}

function join(...groups: { scores: number[]; labels: number[] }[]) {
  return { scores: groups.flatMap((g) => g.scores), labels: groups.flatMap((g) => g.labels) };
}

describe('automationValue', () => {
  // Validation: 200 rows at 0.9 all right, 200 at 0.8 with 190 right, 100 at 0.7 with 50 right.
  const validation = join(group(200, 0.9, 200), group(200, 0.8, 190), group(100, 0.7, 50));

  test('the 95% Wilson lower bound of a proportion', () => {
    expect(wilsonLowerBound(100, 100)).toBeCloseTo(0.97365, 4);
    expect(wilsonLowerBound(390, 400)).toBeCloseTo(0.95862, 4);
    expect(wilsonLowerBound(0, 10)).toBe(0);
  });

  test('the cut is the lowest confidence whose precision reaches the target with 95% confidence', () => {
    // 390 of the top 400 right: bound 0.959, enough for 0.95; for 0.97 only the top 200 (0.987).
    const spec = { precision: 0.95, manualCost: 2 };
    const r = automationValue(validation, validation, { spec, width: 3, per: 1000, currency: 'EUR' });
    expect(r.chosen).toEqual({ confidence: expect.closeTo(0.8, 6), coverage: 0.8, precision: 390 / 400 });
    expect(r.automated).toBe(800);
    expect(r.saved).toBe(1600); // 800 items × 2 EUR; mistakes cost nothing unless stated
    const stricter = automationValue(validation, validation, {
      spec: { ...spec, precision: 0.97 },
      width: 3,
    });
    expect(stricter.chosen).toEqual({ confidence: expect.closeTo(0.9, 6), coverage: 0.4, precision: 1 });
  });

  test('a wrong automated decision costs errorCost; savings can be counted in a unit', () => {
    const test = {
      scores: rows([
        [0, 0.9],
        [1, 0.85],
        [2, 0.8],
        [0, 0.5],
      ]),
      labels: [0, 0, 2, 0],
    };
    const r = automationValue(validation, test, {
      spec: { precision: 0.95, manualCost: 3, errorCost: 6, unit: 'agent-minutes' },
      width: 3,
      per: 100,
    });
    // The cut 0.8 takes 3 of 4 test rows, 2 of them right → 100 × 0.75 × (3 − 6/3) = 75.
    expect(r.chosen.coverage).toBe(0.75);
    expect(r.saved).toBeCloseTo(75, 9);
    expect(formatAmount(r, r.saved)).toBe('75 agent-minutes');
    expect(summarizeAutomation(r)).toMatch(
      /decides 75\.0% of items alone at 66\.7% precision .* saving 75 agent-minutes per 100 items/,
    );
  });

  test('tied confidences are taken together; no cut reaching the target sends everything to a person', () => {
    // The first 60 alone would pass 0.9, but 40 wrong ones share their confidence.
    const tied = group(100, 0.9, 60);
    const r = automationValue(tied, tied, {
      spec: { precision: 0.9, manualCost: 1 },
      width: 3,
      currency: 'USD',
    });
    expect(r.chosen).toEqual({ confidence: Number.POSITIVE_INFINITY, coverage: 0, precision: 1 });
    expect(r.saved).toBe(0);
    expect(summarizeAutomation(r)).toMatch(/every item goes to a person/);
  });

  test("a binary model's one score per row is read as the positive class's probability", () => {
    // Confidences 0.99 and 0.98 (right), 0.6 (wrong): the cut stays at 0.98.
    const scores = [...Array(100).fill(0.99), ...Array(100).fill(0.02), ...Array(100).fill(0.6)];
    const labels = [...Array(100).fill(1), ...Array(200).fill(0)];
    const r = automationValue(
      { scores, labels },
      { scores, labels },
      {
        spec: { precision: 0.95, manualCost: 1 },
        width: 1,
      },
    );
    expect(r.chosen.confidence).toBeCloseTo(0.98, 6);
    expect(r.chosen.coverage).toBeCloseTo(2 / 3, 9);
    expect(r.chosen.precision).toBe(1);
    expect(formatAmount(r, 1234.5)).toBe('1,234.50');
  });

  test("a binary model's rows are decided at its own threshold, as it serves them", () => {
    // At threshold 0.3 a score of 0.4 is a positive decision, 0.4 sure; at 0.5 it is a negative one.
    const scores = [...Array(100).fill(0.4), ...Array(100).fill(0.9)];
    const labels = [...Array(100).fill(1), ...Array(100).fill(1)];
    const spec = { precision: 0.95, manualCost: 1 };
    const at03 = automationValue({ scores, labels }, { scores, labels }, { spec, width: 1, threshold: 0.3 });
    expect(at03.chosen).toEqual({ confidence: expect.closeTo(0.4, 6), coverage: 1, precision: 1 });
    const at05 = automationValue({ scores, labels }, { scores, labels }, { spec, width: 1 });
    expect(at05.chosen).toEqual({ confidence: expect.closeTo(0.9, 6), coverage: 0.5, precision: 1 });
  });

  test('a cut found on validation that no test row reaches is said as such', () => {
    const test = { scores: rows([[0, 0.5]]), labels: [0] };
    const r = automationValue(validation, test, { spec: { precision: 0.95, manualCost: 1 }, width: 3 });
    expect(r.chosen.coverage).toBe(0);
    expect(summarizeAutomation(r)).toMatch(/^the model decides 0\.0% of items alone .*confidence ≥ 0\.800/);
  });

  test('bad settings and shapes are errors that name them', () => {
    expect(() =>
      automationValue({ scores: [0.9, Number.NaN], labels: [1, 0] }, validation, {
        spec: { precision: 0.9, manualCost: 1 },
        width: 1,
      }),
    ).toThrow(/the scores of row 1 are not finite numbers/);
    const spec = { precision: 1.5, manualCost: 1 };
    expect(() => automationValue(validation, validation, { spec, width: 3 })).toThrow(
      /value\.automation\.precision is 1\.5/,
    );
    expect(() =>
      automationValue(validation, validation, { spec: { precision: 0.9, manualCost: -1 }, width: 3 }),
    ).toThrow(/value\.automation\.manualCost is -1/);
    expect(() =>
      automationValue({ scores: [0.1, 0.2], labels: [0] }, validation, {
        spec: { precision: 0.9, manualCost: 1 },
        width: 3,
      }),
    ).toThrow(EvaluationError);
  });
});

describe('the automation value section', () => {
  const base = 'name: intents\ndata:\n  source: a.csv\n  label: intent\n';
  const section =
    'value:\n  per: 1000\n  automation: { precision: 0.95, manualCost: 1.5, unit: agent-minutes }\n';

  test('is read from the pipeline file and allowed for any class decision, not for regression', () => {
    const config = parsePipelineConfig(base + section, 'p.yaml');
    expect(config.value).toMatchObject({ per: 1000, automation: { precision: 0.95, manualCost: 1.5 } });
    expect(checkAgainstTask(config, 'p.yaml', 'multiclass', 77)).toEqual([]);
    expect(checkAgainstTask(config, 'p.yaml', 'binary', 2)).toEqual([]);
    expect(() => checkAgainstTask(config, 'p.yaml', 'regression', 0)).toThrow(
      /value\.automation: .*regression/,
    );
  });

  test('takes no decision threshold, and threshold: best needs a money matrix', () => {
    expect(() => parsePipelineConfig(`${base}${section}  threshold: 0.5\n`, 'p.yaml')).toThrow(
      PipelineConfigError,
    );
    expect(() => parsePipelineConfig(`${base}evaluate: { threshold: best }\n${section}`, 'p.yaml')).toThrow(
      /p\.yaml:\d+: evaluate\.threshold: 'best' needs a value matrix/,
    );
    expect(() =>
      parsePipelineConfig(
        `${base}value:\n  automation: { precision: 0.95, manualCost: 1, unit: '' }\n`,
        'p.yaml',
      ),
    ).toThrow(/value\.automation\.unit/);
  });
});
