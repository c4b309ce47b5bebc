// "Upload n files": sends every file main holds as ready, less copies of another
// file's content (shared/queue/same-content.ts). When it cannot be
// used, it says why beside it (and the button is disabled).
import { plural } from '../lib/format.ts';

export function UploadButton({
  ready,
  blockedBecause,
  busy,
  onUpload,
}: {
  ready: number;
  /** Why uploading is not possible now, or null. */
  blockedBecause: string | null;
  busy: boolean;
  onUpload: () => void;
}) {
  const disabled = blockedBecause !== null || busy;
  return (
    <div className="ers-upload">
      <button
        type="button"
        className="nhsuk-button ers-upload__button"
        disabled={disabled}
        aria-describedby={blockedBecause ? 'upload-reason' : undefined}
        onClick={onUpload}
      >
        {ready > 0 ? `Upload ${plural(ready, 'file', 'files')}` : 'Upload files'}
      </button>
      {blockedBecause && (
        <p className="nhsuk-body-s ers-upload__reason" id="upload-reason">
          {blockedBecause}
        </p>
      )}
    </div>
  );
}
