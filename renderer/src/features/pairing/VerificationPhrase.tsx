import { useFerry, useT } from '../../ui/ferry-context';

/**
 * The phrase both devices derived from the pairing's key. The same digits on both screens mean no
 * one sits in the middle; people who want certainty compare them (read out, or side by side).
 */
export function VerificationPhrase({ deviceId, peerName }: { deviceId: string; peerName: string }) {
  const t = useT();
  const phrase = useFerry((state) => state.verificationPhrases[deviceId]);
  if (phrase === undefined) return null;
  return (
    <p role="note" aria-label={t('pair.verify.label')} className="verification-phrase">
      {t('pair.verify.label')}: <strong className="phrase">{phrase}</strong>{' '}
      <span className="hint">{t('pair.verify.hint', { name: peerName })}</span>
    </p>
  );
}
