import { RegistryError, registryMessages } from './errors.js';

export type Stage = 'candidate' | 'production' | 'archived';
export const stages: readonly Stage[] = ['candidate', 'production', 'archived'];

/** A model, a version of it, or the version in a stage: 'churn', 'churn:3', 'churn@production'. */
export interface ModelRef {
  name: string;
  version?: number;
  stage?: Stage;
}

const namePattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** A model name is also a folder name under <home>/models, so it may not climb out of it. */
export function checkModelName(name: unknown): string {
  if (typeof name !== 'string' || !namePattern.test(name) || name.includes('..')) {
    throw new RegistryError(registryMessages.badName(String(name)));
  }
  return name;
}

export function parseModelRef(text: string): ModelRef {
  const match = typeof text === 'string' ? /^([^:@]*)(?::(\d+)|@(\w+))?$/.exec(text.trim()) : null;
  if (!match) throw new RegistryError(registryMessages.badRef(String(text)));
  const [, name, version, stage] = match;
  checkModelName(name);
  if (version !== undefined) {
    const number = Number(version);
    if (!Number.isSafeInteger(number) || number < 1) throw new RegistryError(registryMessages.badRef(text));
    return { name, version: number };
  }
  if (stage !== undefined) {
    if (!isStage(stage)) throw new RegistryError(registryMessages.badRef(text));
    return { name, stage };
  }
  return { name };
}

export const isStage = (value: unknown): value is Stage => stages.includes(value as Stage);
