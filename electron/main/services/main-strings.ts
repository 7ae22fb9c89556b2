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
  readonly openChat: string;
  readonly inCallWith: (device: string) => string;
  readonly mute: string;
  readonly unmute: string;
  readonly hangUp: string;
  /** Button on an incoming-call notification (where the OS shows notification buttons). */
  readonly acceptCall: string;
  readonly tooltipIdle: string;
  readonly tooltipOnline: (count: number) => string;
  readonly tooltipInCall: (device: string) => string;
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
  openChat: 'Open chat',
  inCallWith: (device) => `In a call with ${device}`,
  mute: 'Mute',
  unmute: 'Unmute',
  hangUp: 'Hang up',
  acceptCall: 'Accept',
  tooltipIdle: 'Ferry',
  tooltipOnline: (count) => (count === 1 ? 'Ferry — 1 device online' : `Ferry — ${count} devices online`),
  tooltipInCall: (device) => `Ferry — in a call with ${device}`,
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
  openChat: '打开聊天',
  inCallWith: (device) => `正在与 ${device} 通话`,
  mute: '静音',
  unmute: '取消静音',
  hangUp: '挂断',
  acceptCall: '接听',
  tooltipIdle: 'Ferry',
  tooltipOnline: (count) => `Ferry — ${count} 台设备在线`,
  tooltipInCall: (device) => `Ferry — 正在与 ${device} 通话`,
  tooltipReceiving: 'Ferry — 正在接收文件',
};

/** The strings for the language setting; 'system' follows the OS locale (e.g. `zh-CN`, `en-US`). */
export function mainStringsFor(language: LanguageChoice, systemLocale: string): MainStrings {
  const effective = language === 'system' ? systemLocale : language;
  return effective.toLowerCase().startsWith('zh') ? zhCN : en;
}
