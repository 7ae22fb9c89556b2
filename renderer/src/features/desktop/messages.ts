/**
 * Strings of the desktop integration (commands from the tray and links), in English and Simplified
 * Chinese. Spread into the catalogs in i18n/en.ts and i18n/zh-CN.ts.
 */
export const desktopMessagesEn = {
  'desktop.sendFilesHint': 'Choose “Send files…” to send files to {name}.',
  'desktop.unknownDevice': 'That device is not paired with this one.',
  'pair.suggestedHint': 'This code came from a link. Check it with the other person, then press Connect.',
} as const;

export const desktopMessagesZhCN: Record<keyof typeof desktopMessagesEn, string> = {
  'desktop.sendFilesHint': '选择“发送文件…”即可把文件发送给 {name}。',
  'desktop.unknownDevice': '该设备尚未与本机配对。',
  'pair.suggestedHint': '这个配对码来自一个链接。请先与对方核对，然后点击“连接”。',
};
