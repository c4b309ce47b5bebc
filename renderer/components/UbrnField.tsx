// The optional intended UBRN, validated as the person types (once they have
// typed enough to judge, or left the field), in the NHS.UK error pattern.
import type { UbrnCheck } from '../lib/ubrn.ts';

export const UBRN_ID = 'ubrn';

export function UbrnField({
  value,
  check,
  showError,
  onChange,
  onBlur,
}: {
  value: string;
  check: UbrnCheck;
  showError: boolean;
  onChange: (value: string) => void;
  onBlur: () => void;
}) {
  const error = showError && !check.ok ? check.message : null;
  const describedBy = [`${UBRN_ID}-hint`, error ? `${UBRN_ID}-error` : ''].filter(Boolean).join(' ');
  return (
    <div className={`nhsuk-form-group${error ? ' nhsuk-form-group--error' : ''}`}>
      <label className="nhsuk-label nhsuk-label--s" htmlFor={UBRN_ID}>
        Intended UBRN (optional)
      </label>
      <div className="nhsuk-hint" id={`${UBRN_ID}-hint`}>
        The 12-digit Unique Booking Reference Number of the referral these files are for. e-RS uses it to check the files
        are linked to the right referral.
      </div>
      {error && (
        <span className="nhsuk-error-message" id={`${UBRN_ID}-error`}>
          <span className="nhsuk-u-visually-hidden">Error:</span> {error}
        </span>
      )}
      <input
        className={`nhsuk-input nhsuk-input--width-10${error ? ' nhsuk-input--error' : ''}`}
        id={UBRN_ID}
        name="ubrn"
        type="text"
        inputMode="numeric"
        autoComplete="off"
        spellCheck={false}
        aria-describedby={describedBy}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        onBlur={onBlur}
      />
    </div>
  );
}
