/**
 * A time zone field: type or pick from every IANA zone this browser knows (a datalist), plus
 * "venue" and "local" where they make sense. What is not a zone name is said right under the
 * field, and the owner refuses to save it (main checks again).
 */
import { useId } from 'react';
import { knownTimeZones, SPECIAL_ZONES, timeZoneProblem } from '../../../shared/time-zones';

/** The message for a zone field's value, or null when it can be used. */
export function zoneProblem(value: string, special: ReadonlyArray<string>): string | null {
  const v = value.trim();
  if (v === '') return 'Choose a time zone.';
  if ((SPECIAL_ZONES as ReadonlyArray<string>).includes(v) && !special.includes(v)) {
    return `“${v}” is not offered here: choose a time zone from the list.`;
  }
  return timeZoneProblem(v);
}

export function ZoneInput(props: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  /** Offer "venue" and "local" (display settings) or not (reports need a real zone). */
  special?: ReadonlyArray<{ value: string; label: string }>;
  testId: string;
}) {
  const id = useId();
  const problem = zoneProblem(
    props.value,
    (props.special ?? []).map((s) => s.value),
  );
  return (
    <label className="zone-input">
      {props.label}
      <input
        list={`${id}-zones`}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        aria-invalid={problem !== null}
        aria-describedby={problem ? `${id}-problem` : undefined}
        data-testid={props.testId}
        spellCheck={false}
        autoComplete="off"
      />
      <datalist id={`${id}-zones`}>
        {(props.special ?? []).map((s) => (
          <option key={s.value} value={s.value}>
            {s.label}
          </option>
        ))}
        {knownTimeZones().map((z) => (
          <option key={z} value={z} />
        ))}
      </datalist>
      {problem ? (
        <span
          className="field-problem"
          id={`${id}-problem`}
          role="alert"
          data-testid={`${props.testId}-problem`}
        >
          {problem}
        </span>
      ) : null}
    </label>
  );
}
