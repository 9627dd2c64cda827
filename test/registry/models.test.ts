import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  openRegistry,
  ProductionChangedError,
  type Registry,
  RegistryError,
} from '../../src/registry/index.js';
import { artifact, tempDir } from './fixtures/setup.js';

let registry: Registry;
let scratch: string;
const open = () => {
  scratch = tempDir();
  registry = openRegistry(path.join(scratch, 'home'));
  return registry;
};
afterEach(() => registry?.close());

/** Registers `count` versions of `name`, each from its own artifact folder. */
function register(reg: Registry, name: string, count: number) {
  return Array.from({ length: count }, (_, i) =>
    reg.registerModel({ name, source: artifact(path.join(scratch, `${name}-${i}`), `${name}-${i}`) }),
  );
}

const stagesOf = (reg: Registry, name: string) =>
  Object.fromEntries(reg.versions(name).map((v) => [v.version, v.stage]));

describe('registerModel', () => {
  it('copies the artifact folder into models/<name>/<version> as a candidate', () => {
    const reg = open();
    const run = reg.startRun({ name: 'churn', key: 'k' });
    const source = artifact(path.join(scratch, 'out'), 'first');
    const v1 = reg.registerModel({
      name: 'churn',
      source,
      runId: run.id,
      metrics: { auc: 0.9 },
      description: 'base',
    });
    expect(v1).toMatchObject({
      name: 'churn',
      version: 1,
      stage: 'candidate',
      runId: run.id,
      path: path.join(reg.home, 'models', 'churn', '1'),
      metrics: { auc: 0.9 },
      description: 'base',
    });
    expect(fs.readFileSync(path.join(v1.path, 'model.json'), 'utf8')).toBe('{"tag":"first"}');
    expect([...fs.readFileSync(path.join(v1.path, 'weights.bin'))]).toEqual([1, 2, 3, 4]);
    expect(fs.readFileSync(path.join(v1.path, 'assets', 'vocab.txt'), 'utf8')).toBe('first');

    // The registered copy is independent of the source folder.
    fs.writeFileSync(path.join(source, 'model.json'), '{"tag":"changed"}');
    const v2 = reg.registerModel({ name: 'churn', source });
    expect(v2.version).toBe(2);
    expect(fs.readFileSync(path.join(v1.path, 'model.json'), 'utf8')).toBe('{"tag":"first"}');
    expect(fs.readFileSync(path.join(v2.path, 'model.json'), 'utf8')).toBe('{"tag":"changed"}');
    expect(fs.readdirSync(path.join(reg.home, 'models', 'churn')).sort()).toEqual(['1', '2']);
  });

  it('copies the target of a link, not the link', () => {
    const reg = open();
    const source = artifact(path.join(scratch, 'out'), 'linked');
    const outside = path.join(scratch, 'outside.bin');
    fs.writeFileSync(outside, 'weights');
    fs.symlinkSync(outside, path.join(source, 'extra.bin'));
    const v = reg.registerModel({ name: 'churn', source });
    expect(fs.lstatSync(path.join(v.path, 'extra.bin')).isSymbolicLink()).toBe(false);
    expect(fs.readFileSync(path.join(v.path, 'extra.bin'), 'utf8')).toBe('weights');
  });

  it('refuses a folder without model.json, a missing folder, a bad name and an unknown run', () => {
    const reg = open();
    const empty = path.join(scratch, 'empty');
    fs.mkdirSync(empty);
    expect(() => reg.registerModel({ name: 'churn', source: empty })).toThrow(`${empty} has no model.json`);
    const missing = path.join(scratch, 'missing');
    expect(() => reg.registerModel({ name: 'churn', source: missing })).toThrow(`${missing} is not a folder`);
    const source = artifact(path.join(scratch, 'ok'), 'ok');
    expect(() => reg.registerModel({ name: '../escape', source })).toThrow(
      "'../escape' is not a valid model name",
    );
    expect(() => reg.registerModel({ name: 'churn', source, runId: 'ffffffffffff' })).toThrow(
      "no run 'ffffffffffff'",
    );
    expect(reg.listModels()).toEqual([]);
    expect(fs.existsSync(path.join(reg.home, 'models', 'churn'))).toBe(false);
  });

  it('refuses a name that differs from an existing one only in letter case', () => {
    const reg = open();
    register(reg, 'churn', 1);
    expect(() => register(reg, 'Churn', 1)).toThrow(
      "model name 'Churn' differs from the existing model 'churn' only in letter case; use 'churn'",
    );
    expect(fs.readdirSync(path.join(reg.home, 'models'))).toEqual(['churn']);
  });

  it('replaces a version folder left behind without a row', () => {
    const reg = open();
    const orphan = path.join(reg.home, 'models', 'churn', '1');
    fs.mkdirSync(orphan, { recursive: true });
    fs.writeFileSync(path.join(orphan, 'model.json'), '{"tag":"orphan"}');
    const [v1] = register(reg, 'churn', 1);
    expect(v1.version).toBe(1);
    expect(fs.readFileSync(path.join(v1.path, 'model.json'), 'utf8')).toBe('{"tag":"churn-0"}');
  });
});

describe('listing', () => {
  it('summarises each model and lists versions newest first', () => {
    const reg = open();
    register(reg, 'churn', 3);
    register(reg, 'ads', 1);
    reg.promote('churn', 2);
    expect(reg.listModels()).toEqual([
      { name: 'ads', latest: 1, production: null, versions: 1 },
      { name: 'churn', latest: 3, production: 2, versions: 3 },
    ]);
    expect(reg.versions('churn').map((v) => v.version)).toEqual([3, 2, 1]);
    expect(() => reg.versions('chrun')).toThrow("no model 'chrun'; models are: ads, churn");
  });

  it('says when the registry has no models at all', () => {
    expect(() => open().versions('churn')).toThrow("no model 'churn'; the registry has no models yet");
  });
});

describe('stages', () => {
  it('promote makes one production version and archives the previous one', () => {
    const reg = open();
    register(reg, 'churn', 3);
    expect(reg.promote('churn', 1).stage).toBe('production');
    expect(stagesOf(reg, 'churn')).toEqual({ 1: 'production', 2: 'candidate', 3: 'candidate' });
    reg.promote('churn', 3, 'auc 0.93 beats 0.91');
    expect(stagesOf(reg, 'churn')).toEqual({ 1: 'archived', 2: 'candidate', 3: 'production' });
    expect(reg.promote('churn', 3).stage).toBe('production');
    expect(() => reg.promote('churn', 9)).toThrow("model 'churn' has no version 9; versions are 1, 2, 3");

    const history = reg
      .stageHistory('churn')
      .map(({ version, from, to, reason }) => ({ version, from, to, reason }));
    expect(history).toEqual([
      { version: 1, from: null, to: 'candidate', reason: null },
      { version: 2, from: null, to: 'candidate', reason: null },
      { version: 3, from: null, to: 'candidate', reason: null },
      { version: 1, from: 'candidate', to: 'production', reason: null },
      { version: 1, from: 'production', to: 'archived', reason: 'auc 0.93 beats 0.91' },
      { version: 3, from: 'candidate', to: 'production', reason: 'auc 0.93 beats 0.91' },
    ]);
  });

  it('rollback restores the previous production version, and a second rollback undoes it', () => {
    const reg = open();
    register(reg, 'churn', 3);
    reg.promote('churn', 1);
    reg.promote('churn', 2);
    reg.promote('churn', 3);
    const restored = reg.rollback('churn', 'v3 misbehaves in production');
    expect(restored).toMatchObject({ version: 2, stage: 'production' });
    expect(stagesOf(reg, 'churn')).toEqual({ 1: 'archived', 2: 'production', 3: 'archived' });
    expect(reg.stageHistory('churn').at(-1)).toMatchObject({
      version: 2,
      from: 'archived',
      to: 'production',
      reason: 'v3 misbehaves in production',
    });
    expect(reg.rollback('churn').version).toBe(3);
    expect(reg.stageHistory('churn').at(-1)?.reason).toBe('rollback');
  });

  it('rollback fails clearly when there is nothing to roll back to', () => {
    const reg = open();
    register(reg, 'churn', 2);
    expect(() => reg.rollback('churn')).toThrow("model 'churn' has no production version to roll back from");
    reg.promote('churn', 1);
    expect(() => reg.rollback('churn')).toThrow(
      "model 'churn' has no version that was production before version 1; nothing to roll back to",
    );
    expect(() => reg.rollback('nope')).toThrow(RegistryError);
    expect(stagesOf(reg, 'churn')).toEqual({ 1: 'production', 2: 'candidate' });
  });

  it('archive takes a version out of service', () => {
    const reg = open();
    register(reg, 'churn', 2);
    reg.promote('churn', 2);
    expect(reg.archive('churn', 2, 'retired').stage).toBe('archived');
    expect(reg.listModels()[0].production).toBeNull();
    expect(reg.archive('churn', 2).stage).toBe('archived');
    expect(reg.stageHistory('churn').filter((c) => c.to === 'archived')).toHaveLength(1);
  });
});

describe('promote with expectedProduction', () => {
  it('refuses, changing nothing, when another registry promoted since the production version was read', () => {
    const first = open();
    const second = openRegistry(first.home);
    try {
      register(first, 'churn', 3);
      first.promote('churn', 1);
      // Both pipelines read production before training, then promote what they trained.
      const seen = [first, second].map((reg) => reg.resolve('churn@production').version);
      expect(seen).toEqual([1, 1]);
      expect(first.promote('churn', 2, 'beats v1', { expectedProduction: seen[0] }).stage).toBe('production');
      const refused = (() => {
        try {
          second.promote('churn', 3, 'beats v1', { expectedProduction: seen[1] });
        } catch (error) {
          return error;
        }
      })();
      expect(refused).toBeInstanceOf(ProductionChangedError);
      expect(refused).toBeInstanceOf(RegistryError);
      expect(refused).toMatchObject({
        name: 'ProductionChangedError',
        model: 'churn',
        version: 3,
        expected: 1,
        actual: 2,
        message:
          "model 'churn' version 3 was not promoted: production is now version 2 (expected version 1); " +
          'compare against the current production version and promote again',
      });
      expect(stagesOf(second, 'churn')).toEqual({ 1: 'archived', 2: 'production', 3: 'candidate' });
      expect(second.stageHistory('churn').filter((c) => c.version === 3)).toHaveLength(1);
    } finally {
      second.close();
    }
  });

  it('uses null for no production version, and promotes as before without the option', () => {
    const first = open();
    const second = openRegistry(first.home);
    try {
      register(first, 'churn', 3);
      expect(first.promote('churn', 1, undefined, { expectedProduction: null }).stage).toBe('production');
      expect(() => second.promote('churn', 2, undefined, { expectedProduction: null })).toThrow(
        "model 'churn' version 2 was not promoted: production is now version 1 (expected none)",
      );
      second.archive('churn', 1);
      expect(() => first.promote('churn', 2, undefined, { expectedProduction: 1 })).toThrow(
        'production is now none (expected version 1)',
      );
      // Even promoting the version that is production now is refused when production moved.
      second.promote('churn', 3);
      expect(() => first.promote('churn', 3, undefined, { expectedProduction: null })).toThrow(
        ProductionChangedError,
      );
      expect(first.promote('churn', 3, undefined, { expectedProduction: 3 }).stage).toBe('production');
      expect(first.promote('churn', 2).stage).toBe('production');
      expect(() => first.promote('churn', 1, undefined, { expectedProduction: 0 })).toThrow(
        'expectedProduction is 0, expected a version number ≥ 1 or null (no production version)',
      );
      expect(stagesOf(first, 'churn')).toEqual({ 1: 'archived', 2: 'production', 3: 'archived' });
    } finally {
      second.close();
    }
  });
});

describe('resolve', () => {
  it('reads every reference form', () => {
    const reg = open();
    register(reg, 'churn', 4);
    expect(reg.resolve('churn').version).toBe(4); // no production: the latest
    reg.promote('churn', 2);
    reg.archive('churn', 4);
    expect(reg.resolve('churn').version).toBe(2); // production wins over newer versions
    expect(reg.resolve('churn:3')).toMatchObject({ version: 3, stage: 'candidate' });
    expect(reg.resolve('churn@production').version).toBe(2);
    expect(reg.resolve('churn@candidate').version).toBe(3);
    expect(reg.resolve('churn@archived').version).toBe(4);
    expect(reg.resolve({ name: 'churn', stage: 'candidate' }).version).toBe(3);
    expect(reg.resolve({ name: 'churn', version: 1 }).path).toBe(path.join(reg.home, 'models', 'churn', '1'));
    expect(reg.resolve({ name: 'churn', version: 2, stage: 'production' }).version).toBe(2);
  });

  it('names what exists when a reference finds nothing', () => {
    const reg = open();
    register(reg, 'churn', 2);
    expect(() => reg.resolve('churn:7')).toThrow("model 'churn' has no version 7; versions are 1, 2");
    expect(() => reg.resolve('churn@production')).toThrow(
      "model 'churn' has no production version; versions are 1 (candidate), 2 (candidate)",
    );
    expect(() => reg.resolve({ name: 'churn', version: 1, stage: 'production' })).toThrow(
      "model 'churn' version 1 is candidate, not production",
    );
    expect(() => reg.resolve('attrition')).toThrow("no model 'attrition'; models are: churn");
    expect(() => reg.resolve('../x')).toThrow("'../x' is not a valid model name");
    expect(() => reg.resolve('churn@live')).toThrow("'churn@live' is not a model reference");
    expect(() => reg.resolve({ name: 'churn', version: 0 })).toThrow('is not a model reference');
  });

  it('keeps the newest versions when a listing is long', () => {
    const reg = open();
    register(reg, 'churn', 25);
    expect(() => reg.resolve('churn:99')).toThrow(/versions are … \(5 more\), 6, 7, .*, 25$/);
  });
});
