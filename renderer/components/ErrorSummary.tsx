// The NHS.UK error summary: every problem on the page, each linking to where
// it is. It does not take focus or use role="alert" here: files arrive while
// the person is doing something else, and the live region already says what
// happened.
import type { PageError } from '../lib/page-errors.ts';

export function ErrorSummary({ errors }: { errors: readonly PageError[] }) {
  if (errors.length === 0) return null;
  const focusTarget = (href: string) => {
    const target = document.getElementById(href.slice(1));
    target?.focus();
    target?.scrollIntoView({ block: 'center' });
  };
  return (
    <div className="nhsuk-error-summary" aria-labelledby="error-summary-title">
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
