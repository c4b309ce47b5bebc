// One file: what it is, where it has got to, what is wrong with it, and what
// the person can do about it.
import { memo, useState } from 'react';
import { formatBytes } from '../lib/format.ts';
import type { RowView } from '../store/row-view.ts';
import { ProgressBar } from './ProgressBar.tsx';
import { StatusTag } from './StatusTag.tsx';

export interface RowActions {
  readonly remove: (row: RowView) => void;
  readonly cancel: (row: RowView) => void;
  readonly retry: (row: RowView) => void;
  readonly dismiss: (row: RowView) => void;
  readonly uploadAnyway: (row: RowView) => void;
  readonly copied: (row: RowView) => void;
}

/** The id the error summary links to. */
export const rowAnchor = (key: string) => `file-${key}`;

/** Memoised: a RowView is the same object while its row is unchanged (store/row-view.ts), so only changed rows render. */
export const FileRow = memo(function FileRow({ row, actions }: { row: RowView; actions: RowActions }) {
  const anchor = rowAnchor(row.key);
  const hasErrors = row.problems.length > 0 || row.error !== null;
  const facts = [row.size === null ? null : formatBytes(row.size), row.typeLabel ? capitalise(row.typeLabel) : null].filter(
    (fact): fact is string => fact !== null,
  );
  return (
    <li className={`ers-file${hasErrors ? ' ers-file--error' : ''}`} id={anchor} tabIndex={-1}>
      <div className="ers-file__main">
        <p className="ers-file__name nhsuk-body" id={`${anchor}-name`}>
          {row.name}
        </p>
        {facts.length > 0 && <p className="ers-file__facts nhsuk-body-s">{facts.join(', ')}</p>}
        {row.nameChange && (
          <p className="ers-file__note nhsuk-body-s">
            Will be stored as <strong>{row.nameChange.to}</strong> ({row.nameChange.reason})
          </p>
        )}
        {row.problems.length > 0 && (
          <ul className="ers-file__problems nhsuk-list">
            {row.problems.map((problem, i) => (
              <li key={i}>
                <span className="nhsuk-error-message">
                  <span className="nhsuk-u-visually-hidden">Error: </span>
                  {problem.text}
                </span>
                {problem.rule && <span className="ers-file__rule nhsuk-body-s">{problem.rule}</span>}
              </li>
            ))}
          </ul>
        )}
        {row.error && (
          <p className="nhsuk-error-message">
            <span className="nhsuk-u-visually-hidden">Error: </span>
            {row.error.message}
          </p>
        )}
        {row.heldBackFor ? (
          <p className="ers-file__warning nhsuk-body-s">
            Not sent: same content as {row.heldBackFor}. Remove it, or upload it anyway
          </p>
        ) : (
          row.sameContentAs && <p className="ers-file__warning nhsuk-body-s">Same content as {row.sameContentAs}</p>
        )}
        {row.possibleDuplicate && (
          <p className="ers-file__warning nhsuk-body-s">
            e-RS may hold a second copy of this file: an earlier attempt may have arrived
          </p>
        )}
        {row.status === 'uploading' && row.progress && (
          <ProgressBar sent={row.progress.sent} total={row.progress.total} label={`Uploading ${row.name}`} />
        )}
        {row.ersFileId && <FileId row={row} onCopied={() => actions.copied(row)} />}
      </div>
      <div className="ers-file__status">
        <StatusTag status={row.status} />
      </div>
      <div className="ers-file__actions">
        {row.actions.uploadAnyway && <RowButton label="Upload anyway" name={row.name} onClick={() => actions.uploadAnyway(row)} />}
        {row.actions.retry && <RowButton label="Try again" name={row.name} onClick={() => actions.retry(row)} />}
        {row.actions.cancel && <RowButton label="Cancel" name={row.name} onClick={() => actions.cancel(row)} />}
        {row.actions.remove && <RowButton label="Remove" name={row.name} onClick={() => actions.remove(row)} />}
        {row.actions.dismiss && <RowButton label="Remove" name={row.name} onClick={() => actions.dismiss(row)} />}
      </div>
    </li>
  );
});

function RowButton({ label, name, onClick }: { label: string; name: string; onClick: () => void }) {
  return (
    <button type="button" className="nhsuk-button nhsuk-button--secondary nhsuk-button--small ers-file__button" onClick={onClick}>
      {label}
      <span className="nhsuk-u-visually-hidden"> {name}</span>
    </button>
  );
}

function FileId({ row, onCopied }: { row: RowView; onCopied: () => void }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(row.ersFileId ?? '');
      setCopied(true);
      onCopied();
    } catch {
      setCopied(false);
    }
  };
  return (
    <div className="ers-file__id">
      <p className="nhsuk-body-s ers-file__id-text">
        e-RS file id <code className="ers-file__id-value">{row.ersFileId}</code>
      </p>
      <button type="button" className="nhsuk-button nhsuk-button--secondary nhsuk-button--small ers-file__button" onClick={copy}>
        {copied ? 'Copied' : 'Copy'}
        <span className="nhsuk-u-visually-hidden"> the e-RS file id for {row.name}</span>
      </button>
    </div>
  );
}

function capitalise(text: string): string {
  // Labels come with their article ("a PDF"); a row shows the kind alone ("PDF").
  const bare = text.replace(/^(a|an) /, '');
  return bare.charAt(0).toUpperCase() + bare.slice(1);
}
