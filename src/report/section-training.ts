import { metricFamilies, trainingCurve } from './charts.js';
import { figure, type Section } from './figure.js';
import { html } from './html.js';
import type { EpochMetrics } from './report-data.js';

export async function trainingSection(
  training: { epochs: EpochMetrics[] } | undefined,
): Promise<Section | undefined> {
  if (!training?.epochs.length) return undefined;
  const { epochs } = training;
  const figures = await Promise.all(
    metricFamilies(epochs).map((family) =>
      figure(
        `training-${family}`,
        `${family} per epoch, train and validation`,
        trainingCurve(family, epochs),
      ),
    ),
  );
  const body = html`<p>${epochs.length} epochs.</p><div class="charts">${figures}</div>`;
  return { id: 'training', title: 'Training', body };
}
