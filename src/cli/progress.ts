import { Listr } from 'listr2';
import type { StageReporter } from '../pipeline/run.js';

/**
 * Stages as the terminal shows them: on a terminal, listr2's spinner with a live status line
 * (the training bar); in a log, one line when a stage starts and one when it ends, so that CI
 * logs do not collect a line per redraw.
 */
export function stageReporter(stream: NodeJS.WriteStream = process.stderr): StageReporter {
  return stream.isTTY ? terminalReporter() : logReporter(stream);
}

function seconds(start: number): string {
  const s = (performance.now() - start) / 1000;
  return s < 10 ? `${s.toFixed(1)} s` : `${Math.round(s)} s`;
}

function terminalReporter(): StageReporter {
  return {
    async stage(title, work) {
      let result: Awaited<ReturnType<typeof work>> | undefined;
      const start = performance.now();
      await new Listr(
        [
          {
            title,
            task: async (_ctx, task) => {
              result = await work((status) => {
                task.output = status;
              });
              task.title = `${title} (${seconds(start)})`;
            },
            rendererOptions: { bottomBar: 1 },
          },
        ],
        // The failed stage keeps its title: main prints the error once, as one line.
        { exitOnError: true, rendererOptions: { showErrorMessage: false } },
      ).run();
      return result as Awaited<ReturnType<typeof work>>;
    },
  };
}

function logReporter(stream: NodeJS.WritableStream): StageReporter {
  return {
    async stage(title, work) {
      const start = performance.now();
      stream.write(`… ${title}\n`);
      let last = '';
      const result = await work((status, transient) => {
        // A bar redrawn in a log file is noise: only lasting lines (whole epochs) are written.
        if (!transient && status !== last) stream.write(`  ${status}\n`);
        last = status;
      });
      stream.write(`✔ ${title} (${seconds(start)})\n`);
      return result;
    },
  };
}
