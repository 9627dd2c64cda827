import { formatNumber } from '../data/profile.js';
import { confusionMatrix, perClassBars, prCurve, rocCurve } from './charts.js';
import { figure, type Section } from './figure.js';
import { formatMetric, formatPercent } from './format.js';
import { type Html, html, table } from './html.js';
import { pngDataUri } from './images.js';
import type { Evaluation } from './report-data.js';

/** Beyond this many classes grouped bars are too thin to read; the table still lists them all. */
const maxClassesInBars = 30;
const maxImages = 36;

export async function evaluationSection(evaluation: Evaluation): Promise<Section> {
  const { metrics, confusion = [], perClass = [], roc, pr, misclassified = [] } = evaluation;
  const [confusionChart, rocChart, prChart, perClassChart] = await Promise.all([
    confusion.length > 0
      ? figure(
          'confusion-matrix',
          'Test examples by actual class (rows) and predicted class (columns); color is the share of the row.',
          confusionMatrix(evaluation),
        )
      : undefined,
    roc
      ? figure(
          'roc',
          'True positive rate against false positive rate; the dashed diagonal is chance.',
          rocCurve(roc),
        )
      : undefined,
    pr ? figure('pr', 'Precision against recall as the decision threshold moves.', prCurve(pr)) : undefined,
    perClass.length > 0 && perClass.length <= maxClassesInBars
      ? figure('per-class', 'Precision, recall and F1 of each class.', perClassBars(perClass))
      : undefined,
  ]);
  const classes = evaluation.classes && `, ${formatNumber(evaluation.classes.length)} classes`;
  const body = html`<p>Task: ${evaluation.task}${classes}.</p>
${table(
  ['metric', 'value'],
  Object.entries(metrics).map(([name, x]) => [name, formatMetric(x)]),
  [1],
)}
<div class="charts">${confusionChart}${rocChart}${prChart}</div>
${perClass.length > 0 && html`<h3>Per class</h3>${perClassChart}${perClassTable(perClass)}`}
${misclassified.length > 0 && html`<h3>Misclassified examples</h3>${imageGrid(misclassified)}`}`;
  return { id: 'evaluation', title: 'Evaluation', body };
}

function perClassTable(perClass: NonNullable<Evaluation['perClass']>): Html {
  return table(
    ['class', 'precision', 'recall', 'F1', 'support'],
    perClass.map((c) => [
      c.label,
      formatMetric(c.precision),
      formatMetric(c.recall),
      formatMetric(c.f1),
      formatNumber(c.support),
    ]),
    [1, 2, 3, 4],
  );
}

function imageGrid(misclassified: NonNullable<Evaluation['misclassified']>): Html {
  const shown = misclassified.slice(0, maxImages);
  const note =
    misclassified.length > shown.length &&
    html`<p>The first ${shown.length} of ${formatNumber(misclassified.length)}.</p>`;
  const cells = shown.map((image) => {
    const caption = `${image.actual} → ${image.predicted} (${formatPercent(image.confidence, 1)})`;
    return html`<figure class="sample"><img src="${pngDataUri(image)}" alt="${caption}"><figcaption>${caption}</figcaption></figure>`;
  });
  return html`${note}<div class="samples">${cells}</div>`;
}
