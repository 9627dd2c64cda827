import { type CategoricalSpec, categoryFamily } from './categorical.js';
import { type DateSpec, dateFamily } from './date.js';
import { Fields } from './fields.js';
import { transformMessages as m, TransformError } from './messages.js';
import { type NumberSpec, numberFamily } from './numeric.js';
import { type TextSpec, textFamily } from './text.js';
import type { TransformFamily } from './types.js';

/** Leaves a column out of the features; `reason` is kept in the fitted pipeline's `dropped`. */
export interface DropSpec {
  kind: 'drop';
  reason?: string;
}

/** A spec of a transform that makes features. */
export type TransformSpec = NumberSpec | CategoricalSpec | DateSpec | TextSpec;

/** What a column of a feature spec may say. */
export type ColumnSpec = TransformSpec | DropSpec;

const FAMILIES: readonly TransformFamily<TransformSpec>[] = [
  numberFamily,
  categoryFamily,
  dateFamily,
  textFamily,
];
const BY_KIND = new Map(FAMILIES.flatMap((family) => family.kinds.map((kind) => [kind as string, family])));

/** Every `kind` a column spec may have. */
export const COLUMN_KINDS: readonly string[] = [...BY_KIND.keys(), 'drop'];

export function familyOf(kind: string): TransformFamily<TransformSpec> {
  return BY_KIND.get(kind)!;
}

/** Checks a column spec and fills in its defaults; errors start with `where` and name the key. */
export function readColumnSpec(where: string, value: unknown): ColumnSpec {
  const f = new Fields(where, value);
  const kind = f.raw('kind');
  if (kind === 'drop') {
    const reason = f.string('reason');
    f.finish();
    return reason === undefined ? { kind } : { kind, reason };
  }
  const family = typeof kind === 'string' ? BY_KIND.get(kind) : undefined;
  if (family === undefined) throw new TransformError(m.unknownKind(where, kind, COLUMN_KINDS));
  const spec = family.readSpec(f, kind as TransformSpec['kind']);
  f.finish();
  return spec;
}
