import { ValueError } from '../tensor/errors.js';

/** How a configurable object (layer, initializer, optimizer…) is written into model.json. */
export interface Serialized {
  className: string;
  config: Record<string, unknown>;
}

/** Anything that can be written as a Serialized and rebuilt from its config. */
export interface Configurable {
  readonly className: string;
  getConfig(): Record<string, unknown>;
}

export function serialize(object: Configurable): Serialized {
  return { className: object.className, config: object.getConfig() };
}

/**
 * Resolves what a user may pass where Keras takes an identifier: a name ('glorotUniform'), an
 * object already built, or a Serialized from a file. `kind` names the argument in errors, and
 * the error lists every name that would have worked.
 */
export function resolve<T extends Configurable>(
  kind: string,
  factories: Readonly<Record<string, (config: Record<string, unknown>) => T>>,
  identifier: string | T | Serialized,
): T {
  if (typeof identifier === 'string') return build(kind, factories, identifier, {});
  if ('getConfig' in identifier && typeof identifier.getConfig === 'function') return identifier as T;
  const { className, config } = identifier as Serialized;
  return build(kind, factories, className, config ?? {});
}

function build<T>(
  kind: string,
  factories: Readonly<Record<string, (config: Record<string, unknown>) => T>>,
  name: string,
  config: Record<string, unknown>,
): T {
  const factory = Object.hasOwn(factories, name) ? factories[name] : undefined;
  if (factory === undefined) {
    throw new ValueError(`unknown ${kind} '${name}'; expected one of: ${Object.keys(factories).join(', ')}`);
  }
  return factory(config);
}

/** An identifier as it is written into model.json: names and Serialized as given, objects serialized. */
export function serializeId(
  identifier: string | Configurable | Serialized | null | undefined,
): string | Serialized | null {
  if (identifier === null || identifier === undefined) return null;
  if (typeof identifier === 'string') return identifier;
  if ('getConfig' in identifier && typeof identifier.getConfig === 'function') return serialize(identifier);
  return identifier as Serialized;
}
