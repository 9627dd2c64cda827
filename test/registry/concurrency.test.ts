import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openRegistry } from '../../src/registry/index.js';
import { artifact, startWorker, tempDir } from './fixtures/setup.js';

describe('two processes at once', () => {
  it('lose no run, epoch or model version', async () => {
    const scratch = tempDir();
    // No registry exists yet: both processes create and migrate the same database together.
    const home = path.join(scratch, 'home');
    const source = artifact(path.join(scratch, 'artifact'), 'shared');
    const workers = ['a', 'b'].map((tag) => startWorker(['load', home, source, tag]));
    await Promise.all(workers.map((w) => w.line('ready')));
    for (const w of workers) w.child.stdin.write('go\n');
    for (const { code, stderr } of await Promise.all(workers.map((w) => w.exited)))
      expect(code, stderr).toBe(0);

    const registry = openRegistry(home);
    try {
      const runs = registry.listRuns();
      expect(runs).toHaveLength(100);
      expect(runs.filter((r) => r.name === 'load-a')).toHaveLength(50);
      expect(runs.every((r) => r.status === 'finished' && r.durations.train === 0.2)).toBe(true);
      expect(runs.reduce((sum, run) => sum + registry.epochs(run.id).length, 0)).toBe(2000);

      const versions = registry.versions('shared');
      expect(versions.map((v) => v.version).sort((x, y) => x - y)).toEqual(
        Array.from({ length: 20 }, (_, i) => i + 1),
      );
      const byWorker = (tag: string) =>
        versions.filter((v) => registry.getRun(v.runId!).name === `load-${tag}`);
      expect(byWorker('a')).toHaveLength(10);
      expect(byWorker('b')).toHaveLength(10);
      for (const v of versions) expect(fs.existsSync(path.join(v.path, 'model.json'))).toBe(true);
      // Nothing but the 20 version folders: no temporary copy was left behind.
      expect(fs.readdirSync(path.join(home, 'models', 'shared'))).toHaveLength(20);
    } finally {
      registry.close();
    }
  });
});
