/** Small shared pieces: ids that never break the layout, status pills, big figures, list titles. */
import type { CSSProperties, ReactNode } from 'react';
import { num } from '../format';

/** A long id: one line, ellipsis, the full text on hover and for screen readers. */
export function Id({ value, empty = '—' }: { value: string; empty?: string }) {
  const text = value === '' ? empty : value;
  return (
    <span className="id" title={text}>
      {text}
    </span>
  );
}

const STATUS_TEXT: Record<string, string> = { active: 'Active', idle: 'Idle', ended: 'Ended' };

export function StatusPill({ status, title }: { status: string; title?: string }) {
  return (
    <span className={`pill pill-${status}`} data-status={status} title={title}>
      {STATUS_TEXT[status] ?? status}
    </span>
  );
}

export function Stat(props: {
  label: string;
  value: ReactNode;
  sub?: ReactNode;
  testId: string;
  tone?: 'good' | 'warn' | 'bad' | undefined;
  /** The headline figure: twice as wide, so a seven-digit total never gets cut. */
  primary?: boolean;
}) {
  // A figure is sized to fit its card instead of being cut ("297,000" must never read
  // "297,0…"): the CSS divides the card's width by the figure's length (--stat-chars).
  const len = typeof props.value === 'string' ? props.value.length : 0;
  const cls = `stat${props.tone ? ` stat-${props.tone}` : ''}${props.primary ? ' stat-primary' : ''}`;
  const style = len > 0 ? ({ '--stat-chars': Math.max(len, 3) } as CSSProperties) : undefined;
  return (
    <section className={cls} aria-label={props.label} style={style}>
      <h3>{props.label}</h3>
      <div className="stat-value" data-testid={props.testId}>
        {props.value}
      </div>
      {props.sub ? <div className="stat-sub">{props.sub}</div> : null}
    </section>
  );
}

export function Chip({
  label,
  onClear,
  testId,
}: {
  label: string;
  onClear: () => void;
  testId?: string;
}) {
  return (
    <span className="chip" data-testid={testId}>
      <span className="id" title={label}>
        {label}
      </span>
      <button type="button" aria-label={`Remove filter ${label}`} onClick={onClear}>
        ×
      </button>
    </span>
  );
}

/** A list view's heading with how many rows it holds ('…' until that is known). */
export function CountTitle({
  title,
  count,
  testId,
  atLeast = false,
}: {
  title: string;
  count: number | null;
  testId: string;
  /** The count stopped at a cap: shown as "1,000+". */
  atLeast?: boolean;
}) {
  return (
    <h2>
      {title}{' '}
      <span className="count" data-testid={testId} data-at-least={atLeast || undefined}>
        {count === null ? '…' : `${num(count)}${atLeast ? '+' : ''}`}
      </span>
    </h2>
  );
}
