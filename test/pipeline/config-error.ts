import { expect } from 'vitest';
import { PipelineConfigError, parsePipelineConfig } from '../../src/pipeline/config.js';

/** The message a pipeline file is refused with; fails the test if it is accepted or fails otherwise. */
export function errorOf(text: string, source = 'p.yaml'): string {
  try {
    parsePipelineConfig(text, source);
  } catch (e) {
    expect(e).toBeInstanceOf(PipelineConfigError);
    return (e as Error).message;
  }
  throw new Error('expected the config to be refused');
}
