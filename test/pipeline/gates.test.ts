import { describe, expect, test } from 'vitest';
import { beatsProduction, checkGates, GateError, parseGate, toGate } from '../../src/pipeline/gates.js';

describe('parseGate', () => {
  test('reads metric, operator and number', () => {
    expect(parseGate('accuracy >= 0.98')).toEqual({ metric: 'accuracy', op: '>=', threshold: 0.98 });
    expect(parseGate('log_loss<0.3')).toEqual({ metric: 'log_loss', op: '<', threshold: 0.3 });
    expect(parseGate('  r2 > -1e-3 ')).toEqual({ metric: 'r2', op: '>', threshold: -0.001 });
    expect(parseGate('mae <= .5')).toEqual({ metric: 'mae', op: '<=', threshold: 0.5 });
  });

  test('anything else is a GateError naming the text and the expected form', () => {
    for (const text of ['accuracy => 0.9', 'accuracy >= ', '>= 0.9', 'accuracy == 1', 'accuracy >= high']) {
      expect(() => parseGate(text)).toThrow(GateError);
      expect(() => parseGate(text)).toThrow(
        `gate ${JSON.stringify(text)} is not of the form "metric >= number"`,
      );
    }
  });

  test('toGate accepts both forms and checks the object one', () => {
    expect(toGate('auc > 0.8')).toEqual({ metric: 'auc', op: '>', threshold: 0.8 });
    expect(toGate({ metric: 'auc', op: '>', threshold: 0.8 })).toEqual({
      metric: 'auc',
      op: '>',
      threshold: 0.8,
    });
    expect(() => toGate({ metric: 'auc', op: '=>' as '>', threshold: 0.8 })).toThrow(
      /is not of the form \{ metric/,
    );
  });
});

describe('checkGates', () => {
  const metrics = { accuracy: 0.97, log_loss: 0.2, auc: 0.9 };

  test('every gate must pass; results carry the actual value', () => {
    const ok = checkGates([parseGate('accuracy >= 0.97'), parseGate('log_loss < 0.25')], metrics);
    expect(ok.passed).toBe(true);
    const failed = checkGates([parseGate('accuracy > 0.97'), parseGate('auc >= 0.8')], metrics);
    expect(failed.passed).toBe(false);
    expect(failed.results).toEqual([
      { metric: 'accuracy', op: '>', threshold: 0.97, actual: 0.97, passed: false },
      { metric: 'auc', op: '>=', threshold: 0.8, actual: 0.9, passed: true },
    ]);
    expect(checkGates([], metrics)).toEqual({ passed: true, results: [] });
  });

  test('a NaN metric fails its gate', () => {
    expect(checkGates([parseGate('auc >= 0')], { auc: Number.NaN }).passed).toBe(false);
  });

  test('an unknown metric lists those available', () => {
    expect(() => checkGates([parseGate('acc >= 0.9')], metrics)).toThrow(
      "gate 'acc >= 0.9' names an unknown metric 'acc'; available: accuracy, log_loss, auc",
    );
  });
});

describe('beatsProduction', () => {
  test('higher is better by default; ties do not promote', () => {
    expect(beatsProduction('accuracy', 0.91, 0.9)).toBe(true);
    expect(beatsProduction('accuracy', 0.9, 0.9)).toBe(false);
    expect(beatsProduction('auc', 0.8, 0.9)).toBe(false);
    expect(beatsProduction('auc', Number.NaN, 0.9)).toBe(false);
  });

  test('losses and errors are better when lower', () => {
    for (const metric of ['loss', 'log_loss', 'val_loss', 'mae', 'mse', 'rmse']) {
      expect(beatsProduction(metric, 0.1, 0.2)).toBe(true);
      expect(beatsProduction(metric, 0.2, 0.1)).toBe(false);
      expect(beatsProduction(metric, 0.1, 0.1)).toBe(false);
    }
  });
});
