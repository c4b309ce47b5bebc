// Child process: measures one figure in a fresh Node, so no figure inherits
// another's heap, sockets or thread-pool work (see lib/figure-messages.ts).

import { FIGURES } from './figures/index.ts';
import type { FigureResult } from './lib/figure.ts';
import { FigureJob, type FigureAnswer } from './lib/figure-messages.ts';

/** The parent checks what arrives against FigureAnswer; a result goes as the figure made it. */
type Outgoing = Exclude<FigureAnswer, { type: 'result' }> | { type: 'result'; result: FigureResult };
const say = (answer: Outgoing): void => void process.send?.(answer);

process.once('message', (raw: unknown) => {
  const job = FigureJob.parse(raw);
  FIGURES[job.id]({ ...job, log: (line) => say({ type: 'log', line }) })
    .then(
      (result) => say({ type: 'result', result }),
      (error: unknown) => say({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
    )
    .finally(() => process.disconnect());
});
