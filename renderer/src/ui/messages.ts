/**
 * Strings of the app's frame and of the attention it asks for (narrow-window navigation, "New
 * messages", date separators, the first-run name step, the tab title), in English and Simplified
 * Chinese. Spread into the catalogs in i18n/en.ts and i18n/zh-CN.ts.
 */
export const uiMessagesEn = {
  'layout.backToDevices': 'Devices',
  'layout.backToDevicesLabel': 'Back to the device list',
  'layout.backToDevicesUnread': 'Back to the device list, {count} unread',
  'chat.newMessages': 'New messages',
  'chat.today': 'Today',
  'chat.yesterday': 'Yesterday',
  'chat.dropHint': 'You can also drop files anywhere on this window to send them to {name}.',
  'chat.pairAgain': 'Pair again',
  'call.unmute': 'Unmute',
  'call.callBack': 'Call back',
  // The visible words first, so that speech input ("click Call back") finds the button.
  'call.callBackLabel': 'Call back {name}',
  'firstRun.heading': 'Name this device',
  'firstRun.intro':
    'Devices you pair with see this name, so pick one they will recognise. You can change it later in Settings.',
  'firstRun.continue': 'Continue',
  'firstRun.nameRequired': 'Type a name for this device.',
  'title.unread': '({count}) {app}',
  'title.ringing': '📞 {name} is calling — {app}',
  'title.progress': '{percent}% — {app}',
  'title.offer': '{name} wants to send files — {app}',
  'notify.why': 'Ferry can tell you about messages, files and calls while this tab is in the background.',
  'notify.enable': 'Turn on notifications',
  'notify.dismiss': 'Not now',
  'settings.closeLabel': 'Close Settings',
} as const;

export const uiMessagesZhCN: Record<keyof typeof uiMessagesEn, string> = {
  'layout.backToDevices': '设备',
  'layout.backToDevicesLabel': '返回设备列表',
  'layout.backToDevicesUnread': '返回设备列表，{count} 条未读',
  'chat.newMessages': '新消息',
  'chat.today': '今天',
  'chat.yesterday': '昨天',
  'chat.dropHint': '也可以把文件拖到窗口中的任意位置，发送给 {name}。',
  'chat.pairAgain': '重新配对',
  'call.unmute': '取消静音',
  'call.callBack': '回拨',
  'call.callBackLabel': '回拨给 {name}',
  'firstRun.heading': '为这台设备命名',
  'firstRun.intro': '与你配对的设备会看到这个名称，请选一个对方认得出的名字。之后可以在“设置”中修改。',
  'firstRun.continue': '继续',
  'firstRun.nameRequired': '请输入这台设备的名称。',
  'title.unread': '({count}) {app}',
  'title.ringing': '📞 {name} 来电 — {app}',
  'title.progress': '{percent}% — {app}',
  'title.offer': '{name} 想发送文件 — {app}',
  'notify.why': 'Ferry 可以在此标签页处于后台时提醒你新的消息、文件和来电。',
  'notify.enable': '开启通知',
  'notify.dismiss': '暂不',
  'settings.closeLabel': '关闭设置',
};
