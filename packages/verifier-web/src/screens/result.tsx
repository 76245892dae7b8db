import type { Outcome, SessionView } from '../api.js';
import { claimRows, typeLabel } from '../claims.js';
import { useFocusOnMount } from '../focus.js';
import { t } from '../i18n.js';
import { OutcomeIcon } from '../icon.js';

/** The outcome as the service decided it: one word, an icon and a colour, then only what was shared. */
export function Result({ view, onNext }: { view: SessionView; onNext: () => void }) {
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const outcome = view.outcome as Exclude<Outcome, 'pending'>;
  const result = view.result;
  const rows = result ? claimRows(result.claims, (yes) => t(yes ? 'result.yes' : 'result.no')) : [];
  return (
    <section class="stack">
      <div class={`outcome outcome-${outcome}`} data-testid="desk-result" data-outcome={outcome}>
        <h2 ref={heading} tabIndex={-1}>
          <OutcomeIcon outcome={outcome} />
          <span>{t(`outcome.${outcome}`)}</span>
        </h2>
        <p>{t(`outcome.${outcome}.detail`)}</p>
      </div>
      {rows.length > 0 && (
        <>
          <h3>{t('result.claims')}</h3>
          <ul class="claims" data-testid="desk-claims">
            {rows.map((row) => (
              <li key={row.path} data-claim={row.path}>
                <span class="claim-label">{row.label}</span>
                <bdi class="claim-value">{row.value}</bdi>
              </li>
            ))}
          </ul>
        </>
      )}
      {result?.issuer && (
        <dl class="facts">
          <dt>{t('result.issuer')}</dt>
          <dd>
            <bdi>{result.issuerName ?? result.issuer}</bdi>
          </dd>
          <dt>{t('result.type')}</dt>
          <dd>{typeLabel(result.credentialType)}</dd>
        </dl>
      )}
      <button type="button" class="primary" data-testid="desk-next" onClick={onNext}>
        {t('result.next')}
      </button>
    </section>
  );
}
