import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { registryHome } from '../../src/registry/index.js';

describe('registryHome', () => {
  it('defaults to .deepline in the working directory', () => {
    expect(registryHome({}, '/work/project')).toBe(path.resolve('/work/project/.deepline'));
  });

  it('uses DEEPLINE_HOME, resolving a relative one against the working directory', () => {
    expect(registryHome({ DEEPLINE_HOME: '/srv/deepline' }, '/work/project')).toBe(
      path.resolve('/srv/deepline'),
    );
    expect(registryHome({ DEEPLINE_HOME: 'store' }, '/work/project')).toBe(
      path.resolve('/work/project/store'),
    );
  });

  it('ignores a blank DEEPLINE_HOME', () => {
    expect(registryHome({ DEEPLINE_HOME: '  ' }, '/work/project')).toBe(
      path.resolve('/work/project/.deepline'),
    );
  });
});
