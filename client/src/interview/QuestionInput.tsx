import { memo, useEffect, useState } from 'react';
import { MAX_TEXT_LENGTH } from '../../../questionnaires/limits.js';
import { textIn, type FieldDef } from '../../../questionnaires/compile-questionnaire.js';
import { countryChoices } from '../../../questionnaires/codelists.js';
import type { FormState, Row } from '../../../questionnaires/form-state.js';
import { MediaInput } from './media.js';
import { interfaceText } from '../../../questionnaires/interface-text.js';

interface Props {
  state: FormState;
  field: FieldDef;
  row: Row;
  path: string;
  language: string;
  onAnswer: (path: string, value: unknown) => void;
  /** Accessibility of the input: required, invalid, and the id of the message that says why. */
  aria?: { 'aria-required'?: boolean; 'aria-invalid'?: boolean; 'aria-describedby'?: string };
}

/** The input of one question, by type: numbers, dates, choices, searchable countries, amounts with currency. */
export function QuestionInput({ state, field, row, path, language, onAnswer, aria = {} }: Props) {
  const item = field.item;
  if (item.kind !== 'question') return null;
  const fallback = state.questionnaire.source.languages.default;
  const answer = row.answers[field.slot];
  const id = `q-${path.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  const readOnly = item.readOnly || field.calculation !== undefined;
  switch (item.type) {
    case 'integer':
    case 'decimal':
    case 'year':
      return <NumberInput id={id} aria={aria} decimal={item.type === 'decimal'} readOnly={readOnly} answer={answer} onChange={(v) => onAnswer(path, v)} />;
    case 'date':
      return <input id={id} {...aria} type="date" readOnly={readOnly} value={(answer as string) ?? ''} onChange={(e) => onAnswer(path, e.target.value)} />;
    case 'time':
      return <input id={id} {...aria} type="time" readOnly={readOnly} value={(answer as string) ?? ''} onChange={(e) => onAnswer(path, e.target.value)} />;
    case 'datetime':
      return (
        <input id={id} {...aria} type="datetime-local" readOnly={readOnly} value={(answer as string) ?? ''} onChange={(e) => onAnswer(path, e.target.value)} />
      );
    case 'image':
    case 'audio':
    case 'video':
    case 'file':
      return <MediaInput id={id} kind={item.type} readOnly={readOnly} answer={(answer as string | undefined) ?? ''} onChange={(v) => onAnswer(path, v)} />;
    case 'geotrace':
    case 'geoshape':
      return (
        <GeoPathInput
          id={id}
          shape={item.type === 'geoshape'}
          language={language}
          readOnly={readOnly}
          answer={(answer as string | undefined) ?? ''}
          onChange={(v) => onAnswer(path, v)}
        />
      );
    case 'geopoint':
      return (
        <GeopointInput id={id} language={language} readOnly={readOnly} answer={(answer as string | undefined) ?? ''} onChange={(v) => onAnswer(path, v)} />
      );
    case 'acknowledge':
      return (
        <label className="choice">
          <input id={id} {...aria} type="checkbox" checked={answer === 'OK'} onChange={(e) => onAnswer(path, e.target.checked ? 'OK' : '')} /> OK
        </label>
      );
    case 'select_one': {
      const choices = state.filteredChoices(field, row);
      if (choices.length > 8) {
        return (
          <select id={id} {...aria} value={(answer as string) ?? ''} onChange={(e) => onAnswer(path, e.target.value)}>
            <option value="">—</option>
            {choices.map((c) => (
              <option key={c.value} value={c.value}>
                {textIn(c.label, language, fallback)}
              </option>
            ))}
          </select>
        );
      }
      return (
        <div role="radiogroup" aria-labelledby={`${id}-label`} {...aria} className="choices">
          {choices.map((c) => (
            <label key={c.value} className="choice">
              <input type="radio" name={id} value={c.value} checked={answer === c.value} onChange={() => onAnswer(path, c.value)} />{' '}
              {textIn(c.label, language, fallback)}
            </label>
          ))}
        </div>
      );
    }
    case 'select_multiple': {
      const selected = new Set((answer as string[] | undefined) ?? []);
      return (
        <div role="group" aria-labelledby={`${id}-label`} className="choices">
          {state.filteredChoices(field, row).map((c) => (
            <label key={c.value} className="choice">
              <input
                type="checkbox"
                checked={selected.has(c.value)}
                onChange={(e) => {
                  const next = new Set(selected);
                  if (e.target.checked) next.add(c.value);
                  else next.delete(c.value);
                  onAnswer(path, [...next]);
                }}
              />{' '}
              {textIn(c.label, language, fallback)}
            </label>
          ))}
        </div>
      );
    }
    case 'country': {
      // A searchable list: type a few letters of the name or the code.
      const choices = field.choices ?? [];
      const labelOf = (code: string) => `${textIn(choices.find((c) => c.value === code)?.label, language, fallback)} (${code})`;
      const toCode = (text: string) => /\(([A-Z]{3,4})\)$/.exec(text)?.[1] ?? (choices.some((c) => c.value === text.toUpperCase()) ? text.toUpperCase() : null);
      const listId = countryListId(language, item.specialCountries !== false);
      const values = item.multiple ? ((answer as string[] | undefined) ?? []) : answer ? [answer as string] : [];
      return (
        <div>
          {item.multiple && values.length > 0 && (
            <ul className="chips">
              {values.map((v) => (
                <li key={v}>
                  {labelOf(v)}{' '}
                  <button
                    type="button"
                    aria-label={`Remove ${labelOf(v)}`}
                    onClick={() =>
                      onAnswer(
                        path,
                        values.filter((x) => x !== v),
                      )
                    }
                  >
                    ×
                  </button>
                </li>
              ))}
            </ul>
          )}
          <input
            id={id}
            {...aria}
            list={listId}
            placeholder="Type a country"
            defaultValue={!item.multiple && values[0] ? labelOf(values[0]) : ''}
            onChange={(e) => {
              const code = toCode(e.target.value);
              if (!code) return;
              if (item.multiple) {
                if (!values.includes(code)) onAnswer(path, [...values, code]);
                e.target.value = '';
              } else onAnswer(path, code);
            }}
          />
        </div>
      );
    }
    case 'amount':
      return (
        <AmountInput
          id={id}
          aria={aria}
          answer={answer as { amount?: number; currency?: string } | undefined}
          currencies={field.currencies ?? item.currencies ?? []}
          onChange={(v) => onAnswer(path, v)}
        />
      );
    default:
      return (
        <input
          id={id}
          {...aria}
          type="text"
          readOnly={readOnly}
          maxLength={MAX_TEXT_LENGTH}
          value={(answer as string) ?? ''}
          onChange={(e) => onAnswer(path, e.target.value)}
        />
      );
  }
}

/**
 * An amount and its currency. A currency picked before the amount is typed is kept (in the component
 * until there is an amount to save it with), never silently replaced by the default.
 */
function AmountInput({
  id,
  answer,
  currencies,
  onChange,
  aria = {},
}: {
  id: string;
  aria?: Props['aria'];
  answer: { amount?: number; currency?: string } | undefined;
  currencies: string[];
  onChange: (v: unknown) => void;
}) {
  const [picked, setPicked] = useState<string | null>(null);
  const a = answer ?? {};
  const currency = a.currency ?? picked ?? currencies[0];
  return (
    <div className="amount">
      <input
        id={id}
        {...aria}
        type="number"
        step="any"
        inputMode="decimal"
        value={a.amount ?? ''}
        onChange={(e) => onChange(e.target.value === '' ? '' : { amount: Number(e.target.value), currency })}
      />
      <select
        aria-label="Currency"
        value={currency}
        onChange={(e) => {
          setPicked(e.target.value);
          if (a.amount !== undefined) onChange({ amount: a.amount, currency: e.target.value });
        }}
      >
        {currencies.map((c) => (
          <option key={c}>{c}</option>
        ))}
      </select>
    </div>
  );
}

/** Id of the shared country list of a language (with or without the special answers). */
export function countryListId(language: string, special: boolean): string {
  return `countries-${language}-${special ? 'all' : 'iso'}`;
}

/**
 * The country lists, rendered once per page: a roster row with several country questions would
 * otherwise re-render hundreds of options on every keystroke.
 */
export const CountryLists = memo(function CountryLists({ language, fallback, hostCountry }: { language: string; fallback: string; hostCountry?: string }) {
  return (
    <>
      {[true, false].map((special) => (
        <datalist key={String(special)} id={countryListId(language, special)}>
          {countryChoices(special, hostCountry).map((c) => (
            <option key={c.value} value={`${textIn(c.label, language, fallback)} (${c.value})`} />
          ))}
        </datalist>
      ))}
    </>
  );
});

/**
 * The device's position as ODK stores a point ("latitude longitude altitude accuracy"), with the
 * status said on the way; what the device could not give is said, not guessed.
 */
function locateDevice(t: ReturnType<typeof interfaceText>, say: (s: string) => void, point: (p: string) => void, otherwise: string): void {
  if (!navigator.geolocation) {
    say(`This device gives no location: ${otherwise}.`);
    return;
  }
  say(t('findingLocation'));
  navigator.geolocation.getCurrentPosition(
    (p) => {
      const c = p.coords;
      point([c.latitude.toFixed(6), c.longitude.toFixed(6), (c.altitude ?? 0).toFixed(1), c.accuracy.toFixed(1)].join(' '));
      say(t('locationRecorded', { m: Math.round(c.accuracy) }));
    },
    (err) => say(`No location: ${err.message}. ${otherwise[0].toUpperCase()}${otherwise.slice(1)}, or try again outside.`),
    { enableHighAccuracy: true, timeout: 30_000, maximumAge: 0 },
  );
}

/**
 * A GPS line or shape (ODK geotrace, geoshape): the device's location added point by point as the
 * enumerator walks, or the points typed ("latitude longitude; ..."); a shape is closed on its first point.
 */
function GeoPathInput({
  id,
  shape,
  language,
  readOnly,
  answer,
  onChange,
}: {
  id: string;
  shape: boolean;
  language: string;
  readOnly: boolean;
  answer: string;
  onChange: (v: string) => void;
}) {
  const t = interfaceText(language);
  const [status, setStatus] = useState<string | null>(null);
  const points = answer
    .split(';')
    .map((p) => p.trim())
    .filter(Boolean);
  const same = (a: string, b: string) => a.split(/\s+/).slice(0, 2).join(' ') === b.split(/\s+/).slice(0, 2).join(' ');
  // A shape's closing point is not shown as a point of its own.
  const open = shape && points.length > 1 && same(points[0], points[points.length - 1]) ? points.slice(0, -1) : points;
  const save = (list: string[]) => onChange(list.length === 0 ? '' : (shape && list.length >= 3 ? [...list, list[0]] : list).join('; '));
  // The points as typed (a half-typed point is no answer yet); they follow the answer when it changes.
  const [text, setText] = useState(open.join(';\n'));
  const shown = open.join(';\n');
  useEffect(() => {
    if (answer) setText(shown);
  }, [answer, shown]);
  const addHere = () => locateDevice(t, setStatus, (point) => save([...open, point]), 'type the points');
  return (
    <div className="geopath">
      <textarea
        id={id}
        readOnly={readOnly}
        rows={Math.min(8, Math.max(2, open.length + 1))}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          save(
            e.target.value
              .split(';')
              .map((x) => x.trim())
              .filter(Boolean),
          );
        }}
      />
      {!readOnly && (
        <button type="button" onClick={addHere}>
          {t('useLocation')} (+1)
        </button>
      )}
      <span className="hint">
        {' '}
        {open.length} point{open.length === 1 ? '' : 's'}
        {shape && open.length >= 3 ? ', closed' : ''}
      </span>
      {status && (
        <p className="hint" role="status">
          {status}
        </p>
      )}
    </div>
  );
}

/**
 * A number as typed: the field keeps what the enumerator typed (12.7 in a whole-number question stays
 * 12.7, with the form's message, never truncated to 12), and follows the stored answer when it changes.
 */
function NumberInput({
  id,
  aria,
  decimal,
  readOnly,
  answer,
  onChange,
}: {
  id: string;
  aria: Props['aria'];
  decimal: boolean;
  readOnly: boolean;
  answer: unknown;
  onChange: (v: number | '') => void;
}) {
  const stored = answer === undefined || answer === null ? '' : String(answer);
  const [text, setText] = useState(stored);
  useEffect(() => {
    // A stored answer set elsewhere shows; an answer cleared because the typed one was refused keeps the typed text.
    if (stored !== '') setText((t) => (t !== '' && Number(t) === Number(stored) ? t : stored));
  }, [stored]);
  return (
    <input
      id={id}
      {...aria}
      type="number"
      inputMode={decimal ? 'decimal' : 'numeric'}
      step={decimal ? 'any' : 1}
      readOnly={readOnly}
      value={text}
      onChange={(e) => {
        setText(e.target.value);
        onChange(e.target.value === '' ? '' : Number(e.target.value));
      }}
    />
  );
}

/**
 * A GPS location: the device's position (latitude, longitude, altitude, accuracy, as ODK stores a
 * geopoint) or latitude and longitude typed; what the device could not give is said, not guessed.
 */
function GeopointInput({
  id,
  language,
  readOnly,
  answer,
  onChange,
}: {
  id: string;
  language: string;
  readOnly: boolean;
  answer: string;
  onChange: (v: string) => void;
}) {
  const t = interfaceText(language);
  const [status, setStatus] = useState<string | null>(null);
  const [storedLat = '', storedLon = '', alt, acc] = answer ? answer.split(' ') : [];
  // What is typed stays in the fields while only one of the two is there (the answer needs both).
  const [typed, setTyped] = useState({ lat: storedLat, lon: storedLon });
  useEffect(() => {
    if (answer) setTyped({ lat: storedLat, lon: storedLon });
  }, [answer, storedLat, storedLon]);
  const { lat, lon } = typed;
  const set = (la: string, lo: string) => {
    setTyped({ lat: la, lon: lo });
    onChange(la === '' || lo === '' ? '' : `${la} ${lo}`);
  };
  const locate = () => locateDevice(t, setStatus, onChange, 'type the latitude and longitude');
  return (
    <div className="geopoint">
      <label>
        {t('latitude')} <input id={id} inputMode="decimal" readOnly={readOnly} value={lat} onChange={(e) => set(e.target.value.trim(), lon)} />
      </label>{' '}
      <label>
        {t('longitude')} <input inputMode="decimal" readOnly={readOnly} value={lon} onChange={(e) => set(lat, e.target.value.trim())} />
      </label>{' '}
      {!readOnly && (
        <button type="button" onClick={locate}>
          {t('useLocation')}
        </button>
      )}
      {alt !== undefined && acc !== undefined && (
        <span className="hint">
          {' '}
          altitude {alt} m, accuracy {acc} m
        </span>
      )}
      {status && (
        <p className="hint" role="status">
          {status}
        </p>
      )}
    </div>
  );
}
