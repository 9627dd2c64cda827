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

/**
 * Refuses keys that `owner` does not know, as Keras refuses a keyword argument it does not
 * understand: a misspelt option would otherwise be ignored and its default used without a word.
 */
export function checkOptions(owner: string, options: object, known: readonly string[]): void {
  const unknown = Object.keys(options).filter((key) => !known.includes(key));
  if (unknown.length === 0) return;
  const named = unknown.map((key) => {
    const meant = likelyMeant(key, known);
    return meant === null ? `'${key}'` : `'${key}' (did you mean '${meant}'?)`;
  });
  const expected = known.length > 0 ? `one of: ${known.join(', ')}` : 'no options';
  throw new ValueError(`${owner}: unknown option ${named.join(', ')}; expected ${expected}`);
}

/** The known key that `key` spells in Keras's snake_case ('use_bias') or in another case, or null. */
export function likelyMeant(key: string, known: readonly string[]): string | null {
  const plain = (s: string) => s.toLowerCase().replaceAll('_', '');
  return known.find((k) => plain(k) === plain(key)) ?? null;
}

/**
 * The names of an options type, for checkOptions. They are written as an object's keys so that
 * the compiler checks the list against the type: none missing, none extra.
 */
export function optionNames<T>(names: Record<keyof T, true>): readonly string[] {
  return Object.keys(names);
}
