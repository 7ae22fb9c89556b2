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

export const receiveFolderSchema = z.string().trim().max(4096);

/** Remembered devices kept with settings; more than any person pairs. */
export const MAX_PAIRED_DEVICE_RECORDS = 256;

/** What this device keeps about one paired device (the other side's `deviceId` is its key). */
export const pairedDeviceSchema = z.strictObject({
  /** Trusted: its file offers are accepted without asking. */
  autoAccept: z.boolean(),
});
export type PairedDevice = z.infer<typeof pairedDeviceSchema>;

/** A paired device's id, as the key of its record. */
export const pairedDeviceIdSchema = z.string().min(1).max(64);

export const pairedDevicesSchema = z
  .record(pairedDeviceIdSchema, pairedDeviceSchema)
  .refine((records) => Object.keys(records).length <= MAX_PAIRED_DEVICE_RECORDS, 'too many devices');

export const settingsSchema = z.object({
  /** Stable random id of this device, made on first run. */
  deviceId: z.string().min(8).max(64),
  deviceName: deviceNameSchema,
  language: languageChoiceSchema,
  /** Empty: use the embedded (desktop) or serving (browser) signaling service. */
  signalingUrl: z.union([z.literal(''), signalingUrlSchema]),
  /** Extra ICE servers (STUN/TURN) added to those the signaling service hands out. */
  iceServers: iceServersSchema,
  // Fields added after the first settings files were written have defaults, so those files still
  // parse. (The patch schema below lists them again without defaults: zod applies a default even
  // inside `.partial()`, which would reset them on every patch that leaves them out.)
  /** Desktop: start Ferry when the user logs in to the computer. */
  launchAtLogin: z.boolean().default(false),
  /** Desktop: when started at login, stay in the tray instead of opening the window. */
  startHidden: z.boolean().default(false),
  /**
   * Desktop: the folder received files are saved in, as an absolute path. Empty: the host's
   * default (the desktop app fills in `<Downloads>/Ferry`; the browser asks per transfer).
   */
  receiveFolder: receiveFolderSchema.default(''),
  /**
   * Per paired device, by its device id: its settings (auto-accept). Absent in files written
   * before it existed, and until a first device setting is changed; absent means none.
   */
  pairedDevices: pairedDevicesSchema.optional(),
  /**
   * Whether the person has chosen this device's name (the first-run step, or Save in Settings).
   * A new profile starts with a suggested name and false; files written before the step existed
   * already carry a name their person lived with, so they count as chosen.
   */
  deviceNameChosen: z.boolean().default(true),
});
export type Settings = z.infer<typeof settingsSchema>;

/** What a user can change; the device id is not among it. */
export const settingsPatchSchema = settingsSchema
  .omit({ deviceId: true })
  .extend({
    launchAtLogin: z.boolean(),
    startHidden: z.boolean(),
    receiveFolder: receiveFolderSchema,
    /** The whole map: the renderer sends every device's record, so a patch never merges. */
    pairedDevices: pairedDevicesSchema,
    deviceNameChosen: z.boolean(),
  })
  .partial()
  .strict();
export type SettingsPatch = z.infer<typeof settingsPatchSchema>;
