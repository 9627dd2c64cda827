import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { describe, expect, test } from 'vitest';
import { parsePipelineConfig } from '../../src/pipeline/config.js';
import { runPipeline } from '../../src/pipeline/run.js';
import { readSource } from '../../src/pipeline/source.js';
import { deepline, finished, listening, start, tempDir } from '../cli/helpers.js';

// The image-classifier template end to end on a small folder of generated pictures: init, point
// it at the folder, run, serve, classify an upload of another size. Then an IDX pair, and the
// inputs a user gets wrong.

const template = new URL('../../src/apps/image-classifier/pipeline.yaml', import.meta.url).pathname;

/** A deterministic stream, so that the pictures are the same on every run. */
function stream(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

type Shape = 'disc' | 'square' | 'stripes';
const colours: Record<Shape, [number, number, number]> = {
  disc: [220, 40, 40],
  square: [40, 180, 60],
  stripes: [40, 70, 220],
};

/** RGBA pixels of one shape, its own colour, at a random place and size on a pale background. */
function picture(shape: Shape, width: number, height: number, random: () => number): Uint8Array {
  const data = new Uint8Array(width * height * 4);
  const side = Math.min(width, height);
  const r = side * (0.25 + 0.1 * random());
  const cx = width / 2 + (random() - 0.5) * side * 0.2;
  const cy = height / 2 + (random() - 0.5) * side * 0.2;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const inside =
        shape === 'disc'
          ? (x - cx) ** 2 + (y - cy) ** 2 < r * r
          : shape === 'square'
            ? Math.abs(x - cx) < r && Math.abs(y - cy) < r
            : Math.floor((x * 6) / width) % 2 === 0;
      const noise = Math.round((random() - 0.5) * 30);
      const [cr, cg, cb] = inside ? colours[shape] : [235, 235, 225];
      data.set(
        [cr + noise, cg + noise, cb + noise, 255].map((v) => Math.max(0, Math.min(255, v))),
        4 * (y * width + x),
      );
    }
  return data;
}

function png(data: Uint8Array, width: number, height: number): Buffer {
  const image = new PNG({ width, height });
  image.data.set(data);
  return PNG.sync.write(image);
}

/** 18 pictures per class, PNG and JPEG, sizes from 20 to 60 pixels a side; one truncated file. */
function imageFolder(dir: string): string {
  const random = stream(11);
  const root = join(dir, 'images');
  for (const shape of Object.keys(colours) as Shape[]) {
    mkdirSync(join(root, shape), { recursive: true });
    for (let i = 0; i < 18; i++) {
      const width = 20 + Math.floor(random() * 40);
      const height = 20 + Math.floor(random() * 40);
      const data = picture(shape, width, height, random);
      if (i % 3 === 0)
        writeFileSync(join(root, shape, `${i}.jpg`), jpeg.encode({ data, width, height }, 90).data);
      else writeFileSync(join(root, shape, `${i}.png`), png(data, width, height));
    }
  }
  // Cut short, as a copy that did not finish.
  const whole = png(picture('disc', 30, 30, random), 30, 30);
  writeFileSync(join(root, 'disc', 'broken.png'), whole.subarray(0, whole.length / 2));
  return root;
}

/** The written template, pointed at the folder of images with a short training. */
function pointAtFolder(yaml: string): string {
  const edited = yaml
    .replace(/^ {2}source: mnist.*$/m, '  source: images/\n  image: { size: [16, 16], color: rgb }')
    .replace(/^ {4}validation: 0\.1.*$/m, '    validation: 0.15\n    test: 0.2')
    .replace(/^ {2}# augment: /m, '  augment: ')
    .replace('epochs: 8', 'epochs: 12')
    .replace('batchSize: 128', 'batchSize: 16')
    .replace('optimizer: adam', 'optimizer: { name: adam, learningRate: 0.003 }')
    .replace(/patience: 2/, 'patience: 12')
    .replace('accuracy >= 0.98', 'accuracy >= 0.6');
  expect(edited).not.toBe(yaml);
  return edited;
}

describe('deepline init image-classifier', () => {
  test('trains on a folder of images, reports, registers, and serves :classify for an upload of any size', async () => {
    const dir = tempDir();
    const env = { DEEPLINE_HOME: join(dir, '.deepline') };
    imageFolder(dir);
    const init = await deepline(['init', 'image-classifier'], dir);
    expect(init.code, init.stderr).toBe(0);
    const file = join(dir, 'pipeline.yaml');
    const written = readFileSync(file, 'utf8');
    expect(written).toBe(readFileSync(template, 'utf8'));
    writeFileSync(file, pointAtFolder(written));

    const run = await deepline(['run', 'pipeline.yaml'], dir, env);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/quarantined 1 rows: .*quarantine\.csv/);
    expect(run.stdout).toContain('registered image-classifier v1 as production (promoted)');
    const accuracy = Number(run.stdout.match(/test: accuracy ([\d.]+)/)![1]);
    expect(accuracy).toBeGreaterThanOrEqual(0.6);
    const quarantine = readFileSync(join(dir, run.stdout.match(/quarantined 1 rows: (\S+)/)![1]), 'utf8');
    expect(quarantine).toMatch(/broken\.png.*does not decode/);
    const html = readFileSync(join(dir, run.stdout.match(/report: (\S+)/)![1]), 'utf8');
    for (const chart of ['confusion-matrix', 'per-class']) expect(html).toContain(`data-chart="${chart}"`);

    const server = start(['serve', '--port', '0'], dir, env);
    const done = finished(server);
    const url = await listening(server);
    try {
      const random = stream(99);
      const shapes = Object.keys(colours) as Shape[];
      const uploads = shapes.map((shape) => png(picture(shape, 90, 50, random), 90, 50).toString('base64'));
      const answer = await fetch(`${url}/v1/models/image-classifier:classify`, {
        method: 'POST',
        body: JSON.stringify({ examples: uploads.map((b64) => ({ image: { b64 } })) }),
      });
      expect(answer.status).toBe(200);
      const body = (await answer.json()) as { result: [string, number][][] };
      expect(body.result).toHaveLength(3);
      // Each answer lists every class with its probability; the shape drawn should lead.
      const top = body.result.map((r) => [...r].sort((a, b) => b[1] - a[1])[0][0]);
      expect(top.filter((label, i) => label === shapes[i]).length).toBeGreaterThanOrEqual(2);
      for (const r of body.result) expect(r.map(([label]) => label).sort()).toEqual([...shapes].sort());

      const bad = await fetch(`${url}/v1/models/image-classifier:classify`, {
        method: 'POST',
        body: JSON.stringify({ examples: [{ image: { b64: Buffer.from('hello').toString('base64') } }] }),
      });
      expect(bad.status).toBe(400);
    } finally {
      server.kill('SIGTERM');
      await done;
    }
  }, 120_000);
});

/** An IDX file: the magic number (type ubyte, rank), each dimension, then the bytes. */
function idx(shape: readonly number[], values: Uint8Array): Buffer {
  const header = Buffer.alloc(4 + 4 * shape.length);
  header.writeUInt8(0x08, 2);
  header.writeUInt8(shape.length, 3);
  shape.forEach((d, i) => {
    header.writeUInt32BE(d, 4 + 4 * i);
  });
  return Buffer.concat([header, values]);
}

/** 12×12 grayscale: class 0 a bright left half, 1 a bright top half, 2 a bright centre; noisy. */
function idxImages(n: number, seed: number): { images: Uint8Array; labels: Uint8Array } {
  const random = stream(seed);
  const images = new Uint8Array(n * 144);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i % 3;
    for (let y = 0; y < 12; y++)
      for (let x = 0; x < 12; x++) {
        const on = [x < 6, y < 6, Math.abs(x - 5.5) < 3 && Math.abs(y - 5.5) < 3][labels[i]];
        images[i * 144 + y * 12 + x] = Math.round((on ? 200 : 40) + random() * 40);
      }
  }
  return { images, labels };
}

function writeIdxPair(dir: string): void {
  const train = idxImages(150, 1);
  const test = idxImages(45, 2);
  writeFileSync(join(dir, 'train-images.idx3-ubyte.gz'), gzipSync(idx([150, 12, 12], train.images)));
  writeFileSync(join(dir, 'train-labels.idx1-ubyte'), idx([150], train.labels));
  writeFileSync(join(dir, 't10k-images.idx3-ubyte'), idx([45, 12, 12], test.images));
  writeFileSync(join(dir, 't10k-labels.idx1-ubyte.gz'), gzipSync(idx([45], test.labels)));
}

const idxPipeline = (source: string, extra = '') => `name: shapes
data:
  source:
${source}
${extra}model: { preset: cnn, filters: [8], units: [16], dropout: 0 }
train: { epochs: 6, batchSize: 16, optimizer: { name: adam, learningRate: 0.01 } }
output: { register: true }
`;

const idxSource = `    images: train-images.idx3-ubyte.gz
    labels: train-labels.idx1-ubyte
    testImages: t10k-images.idx3-ubyte
    testLabels: t10k-labels.idx1-ubyte.gz
    classes: [left, top, centre]`;

describe('image sources in pipeline files', () => {
  test('an IDX pair (gzipped or raw) with its test pair trains, named classes and all', async () => {
    const dir = tempDir();
    writeIdxPair(dir);
    const path = join(dir, 'pipeline.yaml');
    writeFileSync(path, idxPipeline(idxSource, '  split: { validation: 0.2 }\n'));
    const result = await runPipeline(path, { home: join(dir, '.deepline') });
    expect(result.prepared.classes).toEqual(['left', 'top', 'centre']);
    expect(result.prepared.split).toEqual({ train: 120, validation: 30, test: 45, unit: 'images' });
    expect(result.evaluation.metrics.accuracy).toBeGreaterThan(0.9);
    expect(result.registered?.version).toBe(1);
  }, 60_000);

  test('an IDX pair without a test pair is split three ways, stratified, resized and coloured as asked', async () => {
    const dir = tempDir();
    writeIdxPair(dir);
    const { config } = {
      config: parsePipelineConfig(
        idxPipeline(
          '    images: train-images.idx3-ubyte.gz\n    labels: train-labels.idx1-ubyte',
          '  image: { size: [8, 8], color: rgb }\n  split: { test: 0.2, validation: 0.2 }\n',
        ),
      ),
    };
    const source = await readSource(config.data, dir);
    if (source.kind !== 'images') throw new Error('expected images');
    expect(source.train.images.shape).toEqual([90, 8, 8, 3]);
    expect(source.validation!.images.shape).toEqual([30, 8, 8, 3]);
    expect(source.test.images.shape).toEqual([30, 8, 8, 3]);
    const counts = Array.from(source.test.labels.values).reduce<number[]>(
      (c, l) => {
        c[l]++;
        return c;
      },
      [0, 0, 0],
    );
    expect(counts).toEqual([10, 10, 10]);
    expect(source.classes).toEqual(['0', '1', '2']);
  });

  test('says what is wrong with the files, naming them', async () => {
    const dir = tempDir();
    writeIdxPair(dir);
    const read = (yaml: string) => readSource(parsePipelineConfig(yaml).data, dir);
    writeFileSync(join(dir, 'short-labels.idx1-ubyte'), idx([149], new Uint8Array(149)));
    await expect(
      read(idxPipeline('    images: train-images.idx3-ubyte.gz\n    labels: short-labels.idx1-ubyte')),
    ).rejects.toThrow(
      /short-labels\.idx1-ubyte: 149 labels for the 150 images of .*train-images\.idx3-ubyte\.gz/,
    );
    await expect(
      read(idxPipeline('    images: train-labels.idx1-ubyte\n    labels: train-labels.idx1-ubyte')),
    ).rejects.toThrow(/train-labels\.idx1-ubyte: holds uint8 values of shape \[150\], expected ubyte images/);
    await expect(
      read(idxPipeline('    images: nowhere.gz\n    labels: train-labels.idx1-ubyte')),
    ).rejects.toThrow(/nowhere\.gz: no such file or folder/);
    await expect(
      read(idxPipeline(`${idxSource.replace('[left, top, centre]', '[left, top]')}`)),
    ).rejects.toThrow(/train-labels\.idx1-ubyte: label 2 is 2, expected 0\.\.1/);

    const folder = join(dir, 'images');
    mkdirSync(join(folder, 'cat'), { recursive: true });
    mkdirSync(join(folder, 'dog'), { recursive: true });
    writeFileSync(join(folder, 'cat', 'a.png'), png(picture('disc', 10, 10, stream(1)), 10, 10));
    const folderYaml = 'name: pets\ndata:\n  source: images\n  image: { size: [8, 8] }\n';
    await expect(read(folderYaml)).rejects.toThrow(
      /images\/dog: the class folder holds no PNG or JPEG images/,
    );
    writeFileSync(join(folder, 'dog', 'b.png'), 'not an image');
    await expect(read(folderYaml)).rejects.toThrow(/images\/dog: none of the 1 images of this class decoded/);
  });

  test('the template reads mnist, and its commented sources are valid as they stand', () => {
    const yaml = readFileSync(template, 'utf8');
    const config = parsePipelineConfig(yaml, 'pipeline.yaml');
    expect(config.data.source).toBe('mnist');
    expect(config.value).toMatchObject({ per: 10000, automation: { precision: 0.99, manualCost: 0.08 } });
    const lines = yaml.split('\n');
    const uncomment = (from: RegExp, to: string) => {
      const start = lines.findIndex((l) => from.test(l));
      const end = lines.findIndex((l, i) => i >= start && l.includes(to));
      const block = lines.slice(start, end + 1).map((l) => l.replace(/^( {2,4})# /, '$1'));
      const rest = lines.filter(
        (l, i) => (i < start || i > end) && !/^ {2}source: mnist|^ {2}split:|^ {4}validation:/.test(l),
      );
      const at = rest.indexOf('data:') + 1;
      return [...rest.slice(0, at), ...block, ...rest.slice(at)].join('\n');
    };
    const folder = parsePipelineConfig(uncomment(/^ {2}# source: images\//, '# split:'), 'folder.yaml');
    expect(folder.data).toMatchObject({ source: 'images/', image: { size: [64, 64], color: 'rgb' } });
    const pair = parsePipelineConfig(uncomment(/^ {2}# source:$/, 'classes:'), 'idx.yaml');
    expect(pair.data.source).toMatchObject({
      images: 'train-images-idx3-ubyte.gz',
      testLabels: 't10k-labels-idx1-ubyte.gz',
    });
    const augmented = parsePipelineConfig(yaml.replace('  # augment: ', '  augment: '), 'augment.yaml');
    expect(augmented.model).toMatchObject({
      augment: { translation: 0.1, flip: 'horizontal', rotation: 0.05 },
    });
  });

  test('the pipeline file is checked before anything is read', () => {
    expect(() =>
      parsePipelineConfig('name: pets\ndata:\n  source: images/\n  image: { color: rgb }\n', 'p.yaml'),
    ).toThrow(/p\.yaml:4: data\.image: a folder of images needs a size to resize every image to/);
    expect(() =>
      parsePipelineConfig(
        'name: x\ndata:\n  source:\n    images: a.gz\n    labels: b.gz\n    testImages: c.gz\n',
        'p.yaml',
      ),
    ).toThrow(
      /p\.yaml:\d: data\.source\.testLabels: missing: a test pair needs both testImages and testLabels/,
    );
    expect(() =>
      parsePipelineConfig(
        'name: x\ndata: { source: mnist }\nmodel: { preset: cnn, augment: { flip: sideways } }\n',
        'p.yaml',
      ),
    ).toThrow(/p\.yaml:3: model\.augment\.flip/);
    expect(() =>
      parsePipelineConfig(
        'name: x\ndata: { source: images/, label: kind, image: { size: [8, 8] } }\n',
        'p.yaml',
      ),
    ).toThrow(/data\.label: images take their labels from the class folders/);
  });
});
