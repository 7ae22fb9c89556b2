import { useFerry, useT } from './ferry-context';

/** One polite live region for app-wide news (connected, went offline, saved), also shown as a bar. */
export function Announcer() {
  const t = useT();
  const announcement = useFerry((state) => state.announcement);
  return (
    <p className="announcer" role="status" aria-live="polite" data-testid="announcer">
      {announcement ? t(announcement.key, announcement.params) : ''}
    </p>
  );
}
