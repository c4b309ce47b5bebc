// Upload progress: a native <progress> (announced by screen readers) with the figures beside it.
import { formatBytes } from '../lib/format.ts';

export function ProgressBar({ sent, total, label }: { sent: number; total: number; label: string }) {
  const percent = total > 0 ? Math.min(100, Math.round((sent / total) * 100)) : 0;
  return (
    <div className="ers-progress">
      <progress className="ers-progress__bar" max={100} value={percent} aria-label={label} />
      <span className="ers-progress__text nhsuk-body-s">
        {sent >= total && total > 0
          ? 'Sent: waiting for e-RS to answer'
          : `${percent}% (${formatBytes(sent)} of ${formatBytes(total)})`}
      </span>
    </div>
  );
}
