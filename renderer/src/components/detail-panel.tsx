/**
 * The panel that opens beside a list with one row's detail: a title, a Close button that takes
 * the focus, and Escape to close from anywhere in the window.
 */
import { useEffect, type ReactNode } from 'react';

export function DetailPanel({
  title,
  label,
  testId,
  onClose,
  children,
}: {
  title: string;
  /** The panel's accessible name. */
  label: string;
  testId: string;
  onClose: () => void;
  children: ReactNode;
}) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
  return (
    <aside className="panel detail" data-testid={testId} aria-label={label}>
      <div className="toolbar">
        <h2>{title}</h2>
        <button type="button" className="btn" onClick={onClose} autoFocus>
          Close (Esc)
        </button>
      </div>
      {children}
    </aside>
  );
}
