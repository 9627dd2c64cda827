let recording = true;

export function isRecording(): boolean {
  return recording;
}

/** Runs `fn` with gradient recording switched on or off, restoring the previous mode after. */
export function withRecording<T>(on: boolean, fn: () => T): T {
  const previous = recording;
  recording = on;
  try {
    return fn();
  } finally {
    recording = previous;
  }
}

/** Runs `fn` without recording a graph: for inference and for updating parameters. */
export function noGrad<T>(fn: () => T): T {
  return withRecording(false, fn);
}
