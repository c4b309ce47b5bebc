// What the figure child (bench/figure-child.ts) is asked and answers. Each
// figure runs in a fresh process: measured in one process, the validation
// figure ran 2.5 times slower after the upload figure than on its own (its GC
// cost five times as much), so figures must not share a heap.

import * as z from 'zod';

const FigureIdSchema = z.enum(['upload', 'validation', 'renderer', 'memory', 'bundle']);

export const FigureJob = z.object({
  id: FigureIdSchema,
  quick: z.boolean(),
  runs: z.number().int().min(1),
  warmups: z.number().int().min(0),
  files: z.number().int().min(1).nullable(),
  workDir: z.string(),
});
export type FigureJob = z.infer<typeof FigureJob>;

const SummarySchema = z.object({ median: z.number(), min: z.number(), max: z.number(), runs: z.array(z.number()) });
const MeasuredSchema = z.object({ label: z.string(), unit: z.enum(['ms', 'MB', 'KB']), summary: SummarySchema });

export const FigureResultSchema = z.object({
  id: FigureIdSchema,
  title: z.string(),
  ours: MeasuredSchema,
  baseline: MeasuredSchema.nullable(),
  ratio: SummarySchema.nullable(),
  figure: z.object({ value: z.number(), unit: z.string(), what: z.string() }),
  target: z.string(),
  met: z.boolean(),
  details: z.record(z.string(), z.unknown()),
});

export const FigureAnswer = z.discriminatedUnion('type', [
  z.object({ type: z.literal('log'), line: z.string() }),
  z.object({ type: z.literal('result'), result: FigureResultSchema }),
  z.object({ type: z.literal('error'), message: z.string() }),
]);
export type FigureAnswer = z.infer<typeof FigureAnswer>;
