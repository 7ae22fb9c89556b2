/** User settings, shared by the desktop app (kept by the main process) and the web client. */
import { z } from 'zod';
import { iceServersSchema } from './signaling';
import { MAX_DEVICE_NAME_LENGTH } from './peer-protocol';

export const LANGUAGE_CHOICES = ['system', 'en', 'zh-CN'] as const;
export const languageChoiceSchema = z.enum(LANGUAGE_CHOICES);
export type LanguageChoice = z.infer<typeof languageChoiceSchema>;

export const deviceNameSchema = z.string().trim().min(1).max(MAX_DEVICE_NAME_LENGTH);

export const signalingUrlSchema = z
  .string()
  .trim()
  .max(2048)
  .refine((value) => {
    try {
      const url = new URL(value);
      return url.protocol === 'http:' || url.protocol === 'https:';
    } catch {
      return false;
    }
  }, 'must be an http(s) URL');

export const settingsSchema = z.object({
  /** Stable random id of this device, made on first run. */
  deviceId: z.string().min(8).max(64),
  deviceName: deviceNameSchema,
  language: languageChoiceSchema,
  /** Empty: use the embedded (desktop) or serving (browser) signaling service. */
  signalingUrl: z.union([z.literal(''), signalingUrlSchema]),
  /** Extra ICE servers (STUN/TURN) added to those the signaling service hands out. */
  iceServers: iceServersSchema,
});
export type Settings = z.infer<typeof settingsSchema>;

/** What a user can change; the device id is not among it. */
export const settingsPatchSchema = settingsSchema.omit({ deviceId: true }).partial().strict();
export type SettingsPatch = z.infer<typeof settingsPatchSchema>;
