import { useId } from 'react';

/** A labelled audio level, 0..1 on a meter's scale; a `meter` to assistive technology. */
export function LevelMeter({ label, level }: { label: string; level: number }) {
  const labelId = useId();
  const percent = Math.round(Math.max(0, Math.min(1, level)) * 100);
  return (
    <div className="level">
      <span id={labelId} className="level-label">
        {label}
      </span>
      <div
        className="level-track"
        role="meter"
        aria-labelledby={labelId}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
      >
        <div className="level-fill" style={{ width: `${percent}%` }} />
      </div>
    </div>
  );
}
