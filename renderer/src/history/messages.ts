/**
 * Every user-facing string of the kept history, in English and Simplified Chinese. Spread into the
 * catalogs in i18n/en.ts and i18n/zh-CN.ts, so the keys are checked like all others.
 */
export const historyMessagesEn = {
  'history.loadEarlier': 'Show earlier messages',
  'history.loadingEarlier': 'Loading earlier messages…',
  'history.beginning': 'This is the beginning of your conversation with {name}.',
  'history.loadLater': 'Show later messages',
  'history.newLinesLabel': 'New messages from {name}',
  'history.delete': 'Delete conversation',
  'history.deleteLabel': 'Delete the conversation with {name}',
  'history.confirmTitle': 'Delete this conversation?',
  'history.confirmText':
    'Messages, calls and the list of transfers with {name} are removed from this device. Files you received stay where they were saved, and {name} keeps their copy of the conversation.',
  'history.confirmDelete': 'Delete',
  'history.cancel': 'Cancel',
  'history.deleted': 'Conversation with {name} deleted',
} as const;

export const historyMessagesZhCN: Record<keyof typeof historyMessagesEn, string> = {
  'history.loadEarlier': '显示更早的消息',
  'history.loadingEarlier': '正在加载更早的消息…',
  'history.beginning': '这是你与 {name} 对话的开始。',
  'history.loadLater': '显示更晚的消息',
  'history.newLinesLabel': '来自 {name} 的新消息',
  'history.delete': '删除对话',
  'history.deleteLabel': '删除与 {name} 的对话',
  'history.confirmTitle': '删除这个对话？',
  'history.confirmText':
    '与 {name} 的消息、通话和传输记录将从这台设备上删除。已接收的文件仍保存在原来的位置，{name} 那边的对话记录也不受影响。',
  'history.confirmDelete': '删除',
  'history.cancel': '取消',
  'history.deleted': '已删除与 {name} 的对话',
};
