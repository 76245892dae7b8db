/**
 * Guardians: a new backup whose recovery secret is split among N people, any K of whom can
 * rebuild it. Each share is shown (and printed) on its own page with its guardian's name.
 */
import { useState } from 'preact/hooks';
import { MAX_GUARDIANS, MIN_GUARDIANS, splitRecoverySecret } from '@sanad/wallet/vault';
import { Busy } from '../../components/busy.js';
import { ErrorNotice } from '../../components/error-notice.js';
import { useAction } from '../../components/use-action.js';
import { t } from '../../i18n/i18n.js';
import { go } from '../../navigation.js';
import { BackupFileActions, makeBackup } from './backup.js';
import { PrintSheet } from './sheet.js';

const counts = (from: number, to: number): number[] =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

function NumberPicker({
  label,
  value,
  options,
  onChange,
  testId,
}: {
  label: string;
  value: number;
  options: number[];
  onChange: (n: number) => void;
  testId: string;
}) {
  return (
    <label>
      {label}
      <select
        value={value}
        onChange={(e) => onChange(Number(e.currentTarget.value))}
        data-testid={testId}
      >
        {options.map((n) => (
          <option key={n} value={n}>
            {n}
          </option>
        ))}
      </select>
    </label>
  );
}

export function Guardians() {
  const [count, setCount] = useState(3);
  const [threshold, setThreshold] = useState(2);
  const [names, setNames] = useState<string[]>([]);
  const [made, setMade] = useState<{ shares: string[]; bytes: Uint8Array }>();
  const [showing, setShowing] = useState(0);
  const { busy, error, run } = useAction();
  const nameOf = (i: number) => names[i]?.trim() || t('guardians.shareLabel', { index: i + 1 });

  if (made) {
    const done = showing >= made.shares.length;
    return (
      <section>
        <h1 tabIndex={-1}>{t('guardians.title')}</h1>
        {done ? (
          <>
            <p class="notice notice--ok" data-testid="guardians-done">
              {t('guardians.done')}
            </p>
            <p class="notice notice--warning">{t('backup.leavesPhone')}</p>
            <BackupFileActions bytes={made.bytes} />
          </>
        ) : (
          <>
            <PrintSheet
              title={t('guardians.shareFor', { name: nameOf(showing) })}
              text={made.shares[showing]!}
              qrLabel={t('guardians.shareFor', { name: nameOf(showing) })}
            >
              <p>
                {t('guardians.shareOf', {
                  index: showing + 1,
                  count: made.shares.length,
                  threshold,
                })}
              </p>
              <p>
                <strong>{t('guardians.keep')}</strong>
              </p>
            </PrintSheet>
            <span hidden data-testid="guardian-share">
              {made.shares[showing]}
            </span>
            <div class="actions">
              <button
                type="button"
                class="button"
                onClick={() => print()}
                data-testid="guardian-print"
              >
                {t('backup.print')}
              </button>
              <button
                type="button"
                class="button button--primary"
                onClick={() => setShowing(showing + 1)}
                data-testid="guardian-next"
              >
                {t('guardians.next')}
              </button>
            </div>
          </>
        )}
        <button type="button" class="button" onClick={() => go({ name: 'settings' })}>
          {t('common.back')}
        </button>
      </section>
    );
  }

  return (
    <section>
      <h1 tabIndex={-1}>{t('guardians.title')}</h1>
      <p>{t('guardians.intro')}</p>
      <form
        class="form"
        onSubmit={(e) => {
          e.preventDefault();
          void run(t('app.working'), async () => {
            const { secret, bytes } = await makeBackup();
            setMade({
              shares: await splitRecoverySecret(secret, { shares: count, threshold }),
              bytes,
            });
          });
        }}
      >
        <NumberPicker
          label={t('guardians.count')}
          value={count}
          options={counts(MIN_GUARDIANS, MAX_GUARDIANS)}
          onChange={(n) => (setCount(n), setThreshold(Math.min(threshold, n)))}
          testId="guardians-count"
        />
        <NumberPicker
          label={t('guardians.threshold')}
          value={threshold}
          options={counts(MIN_GUARDIANS, count)}
          onChange={setThreshold}
          testId="guardians-threshold"
        />
        {counts(1, count).map((n) => (
          <label key={n}>
            {t('guardians.name', { index: n })}
            <input
              type="text"
              autocomplete="off"
              value={names[n - 1] ?? ''}
              onInput={(e) =>
                setNames(Object.assign([...names], { [n - 1]: e.currentTarget.value }))
              }
              data-testid="guardian-name"
            />
          </label>
        ))}
        <ErrorNotice error={error} />
        <button
          type="submit"
          class="button button--primary"
          disabled={busy !== undefined}
          data-testid="guardians-make"
        >
          {t('guardians.make')}
        </button>
        <Busy text={busy} />
      </form>
      <button type="button" class="button" onClick={() => go({ name: 'settings' })}>
        {t('common.back')}
      </button>
    </section>
  );
}
