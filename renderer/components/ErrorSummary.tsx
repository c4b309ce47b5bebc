// The NHS.UK error summary: every problem on the page, each linking to where
// it is. A file's problem does not move focus here: files arrive while the
// person is doing something else, and the live region already says what
// happened. A form the person just submitted does (focusRequest changes), as
// the NHS.UK pattern asks.
import { useEffect, useRef } from 'react';
import type { PageError } from '../lib/page-errors.ts';

export function ErrorSummary({ errors, focusRequest = 0 }: { errors: readonly PageError[]; focusRequest?: number }) {
  const summary = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (focusRequest > 0) summary.current?.focus();
  }, [focusRequest]);
  if (errors.length === 0) return null;
  const focusTarget = (href: string) => {
    const target = document.getElementById(href.slice(1));
    target?.focus();
    target?.scrollIntoView({ block: 'center' });
  };
  return (
    <div className="nhsuk-error-summary" aria-labelledby="error-summary-title" tabIndex={-1} ref={summary}>
      <h2 className="nhsuk-error-summary__title" id="error-summary-title">
        There is a problem
      </h2>
      <div className="nhsuk-error-summary__body">
        <ul className="nhsuk-list nhsuk-error-summary__list">
          {errors.map((error, i) => (
            <li key={`${error.href}-${i}`}>
              <a
                href={error.href}
                onClick={(event) => {
                  event.preventDefault();
                  focusTarget(error.href);
                }}
              >
                {error.text}
              </a>
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
