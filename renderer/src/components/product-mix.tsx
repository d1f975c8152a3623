/** Scans per product at one gate: the top few in words, all of them on hover. */
import type { GateVm } from '../../../shared/api/channels/activity';
import { num } from '../format';

const SHOWN = 2;

/** "prod-general" → "general": the shared prefix of product ids carries nothing. */
const short = (id: string): string => id.replace(/^prod[-_]/, '') || '—';

export function ProductMix({ products }: { products: GateVm['products'] }) {
  if (products.length === 0) return <span className="muted">—</span>;
  const all = products.map((p) => `${p.productId}: ${num(p.count)}`).join('\n');
  const rest = products.length - SHOWN;
  return (
    <span className="mix" title={all} data-testid="gate-products">
      {products.slice(0, SHOWN).map((p, i) => (
        <span key={p.productId}>
          {i > 0 ? ' · ' : ''}
          {short(p.productId)} <b>{num(p.count)}</b>
        </span>
      ))}
      {rest > 0 ? <span className="muted"> +{rest}</span> : null}
    </span>
  );
}
