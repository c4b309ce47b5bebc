// Every figure, by id, in the order the table shows them.

import type { BenchContext, FigureId, FigureResult } from '../lib/figure.ts';
import { benchBundle } from './bundle.ts';
import { benchMemory } from './memory.ts';
import { benchRenderer } from './renderer.ts';
import { benchUpload } from './upload.ts';
import { benchValidation } from './validation.ts';

export const FIGURES: Readonly<Record<FigureId, (ctx: BenchContext) => Promise<FigureResult>>> = {
  upload: benchUpload,
  validation: benchValidation,
  renderer: benchRenderer,
  memory: benchMemory,
  bundle: benchBundle,
};

export const FIGURE_IDS = Object.keys(FIGURES) as FigureId[];

export const isFigure = (name: string): name is FigureId => Object.hasOwn(FIGURES, name);
