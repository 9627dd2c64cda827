import { describe, expect, it } from 'vitest';
import { parseModelRef, RegistryError } from '../../src/registry/index.js';

describe('parseModelRef', () => {
  it('reads a name, a version and a stage', () => {
    expect(parseModelRef('churn')).toEqual({ name: 'churn' });
    expect(parseModelRef('churn:3')).toEqual({ name: 'churn', version: 3 });
    expect(parseModelRef('churn@production')).toEqual({ name: 'churn', stage: 'production' });
    expect(parseModelRef('Churn_v2.1-b@candidate')).toEqual({ name: 'Churn_v2.1-b', stage: 'candidate' });
  });

  it.each([
    ['', 'is not a valid model name'],
    ['churn:', 'is not a model reference'],
    ['churn:0', 'is not a model reference'],
    ['churn:-1', 'is not a model reference'],
    ['churn:1.5', 'is not a model reference'],
    ['churn@staging', 'is not a model reference'],
    ['churn:3@production', 'is not a model reference'],
    ['../x', 'is not a valid model name'],
    ['..', 'is not a valid model name'],
    ['a..b', 'is not a valid model name'],
    ['models/churn', 'is not a valid model name'],
    ['models\\churn', 'is not a valid model name'],
    ['.hidden', 'is not a valid model name'],
    ['x'.repeat(129), 'is not a valid model name'],
  ])('refuses %j', (text, message) => {
    expect(() => parseModelRef(text)).toThrow(RegistryError);
    expect(() => parseModelRef(text)).toThrow(message);
  });

  it('accepts a 128-character name', () => {
    expect(parseModelRef('x'.repeat(128)).name).toHaveLength(128);
  });
});
