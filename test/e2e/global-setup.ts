// Build the renderer once before the suite, if its sources changed.
import { buildRendererIfNeeded } from '../../preview/build.ts';

export default async function globalSetup(): Promise<void> {
  await buildRendererIfNeeded((line) => console.log(line));
}
