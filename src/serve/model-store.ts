import {
  type ModelRef,
  type ModelVersion,
  parseModelRef,
  type Registry,
  RegistryError,
  stages,
} from '../registry/index.js';
import { NotFoundError, UnavailableError } from './errors.js';
import { signatureOf } from './signature.js';
import type { LoadedVersion, VersionSelector } from './types.js';
import type { InferenceWorker } from './worker-pool.js';

interface Entry {
  /** Undefined while the worker loads it. */
  version: LoadedVersion | undefined;
  loading: Promise<LoadedVersion>;
  inflight: number;
  lastUsed: number;
  /** To be unloaded once its last request has finished. */
  retiring: boolean;
}

interface Served {
  name: string;
  /** The references that keep versions loaded; the first picks the default. */
  refs: ModelRef[];
  default: number;
  /** Versions the refs name now: never evicted. */
  pinned: Set<number>;
  /** The registry's versions at the last look, newest first. */
  versions: ModelVersion[];
  entries: Map<number, Entry>;
}

/** A request's hold on a version: it stays loaded until released. */
export interface Lease {
  key: string;
  ready: Promise<LoadedVersion>;
  release(): void;
}

/**
 * Which versions of which models are loaded in the worker. Each served model follows its
 * references in the registry (a plain name follows production); explicit versions and labels
 * are loaded on demand and kept, the least recently used beyond `maxVersions` unloaded. A version
 * leaves only once its last request has finished, so that a switch fails no request.
 */
export class ModelStore {
  readonly #registry: Registry;
  readonly #worker: InferenceWorker;
  readonly #maxVersions: number;
  /** Whether models that get a production version later are served too (no refs were named). */
  readonly #discover: boolean;
  readonly #served = new Map<string, Served>();

  private constructor(registry: Registry, worker: InferenceWorker, maxVersions: number, discover: boolean) {
    this.#registry = registry;
    this.#worker = worker;
    this.#maxVersions = maxVersions;
    this.#discover = discover;
  }

  /**
   * Serves `refs` ('churn', 'churn:2', 'churn@candidate'), or, when none are named, every model
   * with a production version; resolves once the versions they name are loaded.
   */
  static async open(
    registry: Registry,
    worker: InferenceWorker,
    options: { refs?: readonly string[]; maxVersions: number },
  ): Promise<ModelStore> {
    const named = options.refs !== undefined && options.refs.length > 0;
    const store = new ModelStore(registry, worker, options.maxVersions, !named);
    const refs = named
      ? options.refs!.map((ref) => registryCall(() => parseModelRef(ref)))
      : store.#productionRefs();
    const byName = new Map<string, ModelRef[]>();
    for (const ref of refs) byName.set(ref.name, [...(byName.get(ref.name) ?? []), ref]);
    await Promise.all([...byName.values()].map((named) => store.#serve(named)));
    return store;
  }

  names(): string[] {
    return [...this.#served.keys()];
  }

  status(name: string): LoadedVersion[] {
    const served = this.#get(name);
    return [...served.entries.values()]
      .filter((e) => e.version && !e.retiring)
      .map((e) => e.version!)
      .sort((a, b) => a.version - b.version);
  }

  /** A loaded version at once; one that is registered but not loaded starts loading and is Unavailable until then. */
  resolve(name: string, selector: VersionSelector): LoadedVersion {
    const served = this.#get(name);
    const entry = this.#entry(served, this.#pick(served, selector), selector.kind !== 'default');
    if (entry.version) return entry.version;
    entry.loading.catch(() => {});
    throw new UnavailableError(`model '${name}' is loading that version; retry in a moment`);
  }

  /** As resolve, waiting for a version that is not loaded yet. */
  load(name: string, selector: VersionSelector): Promise<LoadedVersion> {
    try {
      const served = this.#get(name);
      return this.#entry(served, this.#pick(served, selector), selector.kind !== 'default').loading;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Keeps `version` loaded (loading it again if it was unloaded meanwhile) until the lease is released. */
  acquire(name: string, version: number): Lease {
    const served = this.#get(name);
    const entry = this.#entry(served, version, false);
    entry.inflight++;
    entry.lastUsed = performance.now();
    return {
      key: keyOf(name, version),
      ready: entry.loading,
      release: () => {
        entry.inflight--;
        if (entry.retiring && entry.inflight === 0) this.#unload(served, version);
      },
    };
  }

  /** True when every served model has its default version loaded in a worker that is up. */
  ready(): boolean {
    return this.#worker.ready && [...this.#served.values()].every((s) => s.entries.get(s.default)?.version);
  }

  /**
   * One look at the registry: stages are brought up to date, and where a reference now names
   * another version, that version is loaded first, then made the default, and the one it replaces
   * retired. A model that cannot be looked at or loaded keeps serving what it has.
   */
  async refresh(): Promise<void> {
    const looks = [...this.#served.values()].map((served) => this.#follow(served));
    if (this.#discover) looks.push(this.#discoverModels());
    // A model that cannot be looked at or loaded now keeps serving what it has; the next look tries again.
    await Promise.allSettled(looks);
  }

  async #discoverModels(): Promise<void> {
    const added = this.#productionRefs().filter((ref) => !this.#served.has(ref.name));
    await Promise.allSettled(added.map((ref) => this.#serve([ref])));
  }

  /** Starts serving a model once the versions its refs name are loaded. */
  async #serve(refs: ModelRef[]): Promise<void> {
    const served: Served = {
      name: refs[0].name,
      refs,
      default: 0,
      pinned: new Set(),
      versions: [],
      entries: new Map(),
    };
    await this.#follow(served);
    this.#served.set(served.name, served);
  }

  #productionRefs(): ModelRef[] {
    return this.#registry
      .listModels()
      .filter((m) => m.production !== null)
      .map((m) => ({ name: m.name }));
  }

  async #follow(served: Served): Promise<void> {
    served.versions = registryCall(() => this.#registry.versions(served.name));
    for (const [number, entry] of served.entries) {
      const stage = served.versions.find((v) => v.version === number)?.stage;
      if (entry.version && stage && entry.version.stage !== stage)
        entry.version = { ...entry.version, stage };
    }
    const wanted = served.refs.map((ref) => registryCall(() => this.#registry.resolve(ref)).version);
    const previous = served.pinned;
    // Both old and new are pinned while the new load, so that eviction takes neither.
    served.pinned = new Set([...previous, ...wanted]);
    await Promise.all(wanted.map((number) => this.#entry(served, number, true).loading));
    served.pinned = new Set(wanted);
    served.default = wanted[0];
    for (const number of previous) if (!served.pinned.has(number)) this.#retire(served, number);
  }

  #get(name: string): Served {
    const served = typeof name === 'string' ? this.#served.get(name) : undefined;
    if (!served) {
      throw new NotFoundError(
        `model '${name}' is not served; served models: ${this.names().join(', ') || 'none'}`,
      );
    }
    return served;
  }

  /** The version number a selector names, from the registry's versions as last seen. */
  #pick(served: Served, selector: VersionSelector): number {
    if (selector.kind === 'default') return served.default;
    if (selector.kind === 'version') return this.#registered(served, selector.version).version;
    const { label } = selector;
    if (!(stages as readonly string[]).includes(label)) {
      throw new NotFoundError(
        `model '${served.name}' has no label '${label}'; labels are ${stages.join(', ')}`,
      );
    }
    const found = served.versions.find((v) => v.stage === label);
    if (!found) {
      const listing = served.versions.map((v) => `${v.version} (${v.stage})`).reverse();
      throw new NotFoundError(
        `model '${served.name}' has no ${label} version; versions are ${listing.join(', ')}`,
      );
    }
    return found.version;
  }

  /** A version known to the registry; one registered since the last look is looked up again. */
  #registered(served: Served, version: number): ModelVersion {
    const find = () => served.versions.find((v) => v.version === version);
    if (!Number.isSafeInteger(version) || version < 1) {
      throw new NotFoundError(
        `model '${served.name}' has no version ${version}; versions are whole numbers from 1`,
      );
    }
    let found = find();
    if (!found) {
      served.versions = registryCall(() => this.#registry.versions(served.name));
      found = find();
    }
    if (!found) {
      const numbers = served.versions.map((v) => v.version).reverse();
      throw new NotFoundError(
        `model '${served.name}' has no version ${version}; versions are ${numbers.join(', ')}`,
      );
    }
    return found;
  }

  /**
   * The entry of a version, loading it if needed. `named` (by a reference, or by a request that
   * asks for it) takes back a retirement, say of the version a rollback returns to.
   */
  #entry(served: Served, version: number, named: boolean): Entry {
    const existing = served.entries.get(version);
    if (existing) {
      existing.lastUsed = performance.now();
      if (named) existing.retiring = false;
      return existing;
    }
    const registered = this.#registered(served, version);
    const entry: Entry = {
      version: undefined,
      loading: this.#worker.load(keyOf(served.name, version), registered.path).then(
        ({ meta, shapes }) => {
          entry.version = {
            name: served.name,
            version,
            stage: served.versions.find((v) => v.version === version)?.stage ?? registered.stage,
            meta,
            signature: signatureOf(meta, shapes),
          };
          this.#evict(served);
          return entry.version;
        },
        (error: unknown) => {
          if (served.entries.get(version) === entry) served.entries.delete(version);
          throw new UnavailableError(
            `model '${served.name}' version ${version} could not be loaded: ${(error as Error).message}`,
          );
        },
      ),
      inflight: 0,
      lastUsed: performance.now(),
      retiring: false,
    };
    served.entries.set(version, entry);
    return entry;
  }

  /** Beyond maxVersions loaded on demand, the least recently used are retired. */
  #evict(served: Served): void {
    const extra = [...served.entries]
      .filter(
        ([number, e]) => e.version && !e.retiring && !served.pinned.has(number) && number !== served.default,
      )
      .sort(([, a], [, b]) => a.lastUsed - b.lastUsed);
    for (const [number] of extra.slice(0, Math.max(0, extra.length - this.#maxVersions)))
      this.#retire(served, number);
  }

  #retire(served: Served, version: number): void {
    const entry = served.entries.get(version);
    if (!entry || served.pinned.has(version)) return;
    entry.retiring = true;
    if (entry.inflight === 0) this.#unload(served, version);
  }

  #unload(served: Served, version: number): void {
    served.entries.delete(version);
    this.#worker.unload(keyOf(served.name, version));
  }
}

const keyOf = (name: string, version: number) => `${name}:${version}`;

/** Registry refusals (unknown model, version or stage; bad reference) are the client's 404. */
function registryCall<T>(call: () => T): T {
  try {
    return call();
  } catch (error) {
    if (error instanceof RegistryError) throw new NotFoundError(error.message);
    throw error;
  }
}
