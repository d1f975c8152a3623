/** A gate's last hour as a tiny bar chart (one bar a minute, newest right): the trend at a glance. */
export function Sparkline({
  values,
  label,
  width = 96,
  height = 22,
}: {
  values: ReadonlyArray<number>;
  label: string;
  width?: number;
  height?: number;
}) {
  const max = Math.max(1, ...values);
  const step = width / Math.max(1, values.length);
  return (
    <svg
      className="spark"
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={label}
      data-testid="sparkline"
      data-values={values.join(',')}
    >
      <title>{label}</title>
      <line x1={0} y1={height - 0.5} x2={width} y2={height - 0.5} className="spark-base" />
      {values.map((v, i) =>
        v > 0 ? (
          <rect
            key={i}
            x={i * step}
            y={height - Math.max(1.5, (v / max) * (height - 2))}
            width={Math.max(1, step - 0.4)}
            height={Math.max(1.5, (v / max) * (height - 2))}
          />
        ) : null,
      )}
    </svg>
  );
}
