/**
 * Every message the optimizers and schedules raise, in one place so that tests can assert
 * against them. Numbers are shown with String(): JSON would print NaN and Infinity as null.
 */
const show = (x: unknown): string =>
  typeof x === 'number' || x === undefined ? String(x) : (JSON.stringify(x) ?? String(x));
const fmt = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

export const optimMessages = {
  badOption: (owner: string, option: string, got: unknown, expected: string) =>
    `${owner}: ${option} is ${show(got)}, expected ${expected}`,
  unknownOption: (owner: string, option: string, known: readonly string[], suggestion: string | null) =>
    `${owner}: unknown option '${option}'` +
    (suggestion === null ? '' : `; did you mean '${suggestion}'?`) +
    ` Options are: ${known.join(', ')}`,
  clipExclusive: (owner: string, given: readonly string[]) =>
    `${owner}: only one of clipNorm, clipValue and globalClipNorm can be set, got ${given.join(' and ')}`,
  notASchedule: (owner: string, got: unknown) =>
    `${owner}: learningRate is ${show(got)}, expected a number, a learning-rate schedule, ` +
    'or a serialized schedule { className, config }',
  gradCount: (owner: string, variables: number, grads: number) =>
    `${owner}.applyGradients: got ${grads} gradients for ${variables} variables; ` +
    'pass one gradient per variable, in the same order',
  gradShape: (owner: string, variable: string, expected: readonly number[], got: readonly number[]) =>
    `${owner}.applyGradients: the gradient for variable '${variable}' has shape ${fmt(got)}, ` +
    `expected the variable's shape ${fmt(expected)}`,
  gradDtype: (owner: string, variable: string, expected: string, got: string) =>
    `${owner}.applyGradients: the gradient for variable '${variable}' has dtype ${got}, ` +
    `expected the variable's dtype ${expected}`,
  stateCount: (owner: string, expected: number, got: number, slots: readonly string[], trainable: number) =>
    `${owner}.setState: got ${got} tensors, expected ${expected} (the step count, then ` +
    `${slots.length === 0 ? 'no slots' : slots.join(', ')} for each of ${trainable} trainable variables); ` +
    'pass what getState returned for the same variables and optimizer settings',
  stateStep: (owner: string, shape: readonly number[]) =>
    `${owner}.setState: the step count (state[0]) has shape ${fmt(shape)}, expected one element`,
  stateShape: (
    owner: string,
    variable: string,
    slot: string,
    expected: readonly number[],
    got: readonly number[],
  ) =>
    `${owner}.setState: slot '${slot}' of variable '${variable}' has shape ${fmt(got)}, ` +
    `expected the variable's shape ${fmt(expected)}`,
  scheduleMismatch: (owner: string, boundaries: number, values: number) =>
    `${owner}: got ${values} values for ${boundaries} boundaries; give one value more than boundaries ` +
    '(the rate up to the first boundary, between each pair, and after the last)',
};
