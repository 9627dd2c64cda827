import type { Graph } from '../nn/graph.js';
import { InputLayer } from '../nn/input.js';
import { formatShape, type Layer, type SymbolicTensor } from '../nn/layer.js';

/**
 * Keras's model.summary() table: one row per layer with its output shape and parameter count,
 * and a "Connected to" column for functional models, then the totals.
 */
export function summary(name: string, className: string, graph: Graph): string {
  const functional = className !== 'Sequential';
  const widths = functional ? [32, 22, 12, 32] : [29, 26, 10];
  const width = widths.reduce((a, b) => a + b, 0);
  const row = (cells: string[]) =>
    cells
      .map((cell, i) => ` ${cell}`.padEnd(widths[i]))
      .join('')
      .trimEnd();
  const firstCall = new Map<Layer, SymbolicTensor>();
  for (const node of graph.nodes) if (!firstCall.has(node.layer)) firstCall.set(node.layer, node);

  const lines = [`Model: "${name}"`, '_'.repeat(width)];
  lines.push(
    row(
      functional
        ? ['Layer (type)', 'Output Shape', 'Param #', 'Connected to']
        : ['Layer (type)', 'Output Shape', 'Param #'],
    ),
  );
  lines.push('='.repeat(width));
  const layers = graph.layers.filter((l) => functional || !(l instanceof InputLayer));
  layers.forEach((layer, i) => {
    const node = firstCall.get(layer)!;
    const cells = [
      `${layer.name} (${layer.className})`,
      formatShape(node.shape),
      layer.countParams().toLocaleString('en-US'),
    ];
    if (functional) cells.push(node.inputs.map((x) => x.layer.name).join(', '));
    lines.push(row(cells));
    lines.push(i === layers.length - 1 ? '='.repeat(width) : '');
  });
  const count = (list: Layer[], pick: (l: Layer) => { value: { size: number } }[]) =>
    list.reduce((n, l) => n + pick(l).reduce((m, v) => m + v.value.size, 0), 0);
  const trainable = count(layers, (l) => l.trainableWeights);
  const frozen = count(layers, (l) => l.nonTrainableWeights);
  const fmt = (n: number) => n.toLocaleString('en-US');
  lines.push(
    `Total params: ${fmt(trainable + frozen)}`,
    `Trainable params: ${fmt(trainable)}`,
    `Non-trainable params: ${fmt(frozen)}`,
  );
  lines.push('_'.repeat(width));
  return lines.join('\n');
}
