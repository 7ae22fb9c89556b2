/**
 * The words the main process shows itself (tray menu and tooltip), in both of Ferry's languages.
 * Everything else the user reads comes from the renderer, already translated.
 */
import type { LanguageChoice } from '../../../contracts/settings';

export interface MainStrings {
  readonly appName: string;
  readonly showFerry: string;
  readonly quit: string;
  readonly noDevices: string;
  readonly offline: (device: string) => string;
  readonly call: (device: string) => string;
  readonly sendFiles: string;
  /** The file dialog of the tray's "Send files…". */
  readonly sendFilesTitle: (device: string) => string;
  readonly sendFilesButton: string;
  /** Settings' folder picker for received files. */
  readonly chooseReceiveFolderTitle: string;
  readonly chooseReceiveFolderButton: string;
  /** Settings tried to save a receive folder that did not come from the folder picker. */
  readonly receiveFolderOnlyByPicker: string;
  readonly openChat: string;
  readonly inCallWith: (device: string) => string;
  /** A call ringing here: the tray menu's heading above Accept and Decline. */
  readonly callingYou: (device: string) => string;
  readonly mute: string;
  readonly unmute: string;
  readonly hangUp: string;
  /** Buttons on an incoming-call notification (where the OS shows notification buttons). */
  readonly acceptCall: string;
  readonly declineCall: string;
  readonly tooltipIdle: string;
  readonly tooltipOnline: (count: number) => string;
  readonly tooltipInCall: (device: string) => string;
  readonly tooltipCallingYou: (device: string) => string;
  readonly tooltipReceiving: string;
}

const en: MainStrings = {
  appName: 'Ferry',
  showFerry: 'Show Ferry',
  quit: 'Quit Ferry',
  noDevices: 'No paired devices yet',
  offline: (device) => `${device} (offline)`,
  call: (device) => `Call ${device}`,
  sendFiles: 'Send files…',
  sendFilesTitle: (device) => `Send files to ${device}`,
  sendFilesButton: 'Send',
  chooseReceiveFolderTitle: 'Choose where received files go',
  chooseReceiveFolderButton: 'Choose',
  receiveFolderOnlyByPicker: 'Choose the receive folder with “Choose…”; a typed folder is not saved.',
  openChat: 'Open chat',
  inCallWith: (device) => `In a call with ${device}`,
  callingYou: (device) => `${device} is calling`,
  mute: 'Mute',
  unmute: 'Unmute',
  hangUp: 'Hang up',
  acceptCall: 'Accept',
  declineCall: 'Decline',
  tooltipIdle: 'Ferry',
  tooltipOnline: (count) => (count === 1 ? 'Ferry — 1 device online' : `Ferry — ${count} devices online`),
  tooltipInCall: (device) => `Ferry — in a call with ${device}`,
  tooltipCallingYou: (device) => `Ferry — ${device} is calling`,
  tooltipReceiving: 'Ferry — receiving files',
};

const zhCN: MainStrings = {
  appName: 'Ferry',
  showFerry: '显示 Ferry',
  quit: '退出 Ferry',
  noDevices: '还没有配对的设备',
  offline: (device) => `${device}（离线）`,
  call: (device) => `呼叫 ${device}`,
  sendFiles: '发送文件…',
  sendFilesTitle: (device) => `发送文件给 ${device}`,
  sendFilesButton: '发送',
  chooseReceiveFolderTitle: '选择接收文件的保存位置',
  chooseReceiveFolderButton: '选择',
  receiveFolderOnlyByPicker: '请用“选择…”选择接收文件夹；手动输入的文件夹不会被保存。',
  openChat: '打开聊天',
  inCallWith: (device) => `正在与 ${device} 通话`,
  callingYou: (device) => `${device} 正在呼叫你`,
  mute: '静音',
  unmute: '取消静音',
  hangUp: '挂断',
  acceptCall: '接听',
  declineCall: '拒绝',
  tooltipIdle: 'Ferry',
  tooltipOnline: (count) => `Ferry — ${count} 台设备在线`,
  tooltipInCall: (device) => `Ferry — 正在与 ${device} 通话`,
  tooltipCallingYou: (device) => `Ferry — ${device} 正在呼叫你`,
  tooltipReceiving: 'Ferry — 正在接收文件',
};

/** The strings for the language setting; 'system' follows the OS locale (e.g. `zh-CN`, `en-US`). */
export function mainStringsFor(language: LanguageChoice, systemLocale: string): MainStrings {
  const effective = language === 'system' ? systemLocale : language;
  return effective.toLowerCase().startsWith('zh') ? zhCN : en;
}
