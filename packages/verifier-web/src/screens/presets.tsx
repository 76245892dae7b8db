import type { Preset } from '../api.js';
import { useFocusOnMount } from '../focus.js';
import { localised, t } from '../i18n.js';

export function Presets({
  presets,
  busy,
  onPick,
}: {
  presets: Preset[];
  busy: boolean;
  onPick: (preset: Preset) => void;
}) {
  const heading = useFocusOnMount<HTMLHeadingElement>();
  return (
    <section class="stack">
      <h2 ref={heading} tabIndex={-1}>
        {t('presets.heading')}
      </h2>
      {presets.length === 0 ? (
        <p>{t('presets.none')}</p>
      ) : (
        <ul class="presets">
          {presets.map((preset) => (
            <li key={preset.id}>
              <button
                type="button"
                class="preset"
                data-testid="desk-preset"
                data-preset={preset.id}
                disabled={busy}
                onClick={() => onPick(preset)}
              >
                <span class="preset-name">{localised(preset.name)}</span>
                <span class="preset-purpose">{localised(preset.purpose)}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
