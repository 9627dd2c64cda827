import * as dl from 'deepline';

/** Runs f with `backend` active, restoring the previous backend after. */
export function onBackend<T>(backend: string, f: () => T): T {
  const previous = dl.getBackend();
  dl.setBackend(backend);
  try {
    return f();
  } finally {
    dl.setBackend(previous);
  }
}
