/**
 * Strings of remembered devices (sidebar "last seen", rename, forget, refusals), in English and
 * Simplified Chinese. Spread into the catalogs in i18n/en.ts and i18n/zh-CN.ts.
 */
export const devicesMessagesEn = {
  'devices.lastSeen': 'last seen {when}',
  'devices.neverSeen': 'not seen since pairing',
  'devices.entryOffline': '{name}, offline, last seen {when}',
  'devices.entryOfflineUnread': '{name}, offline, last seen {when}, {count} unread',
  'devices.heading': 'Remembered devices',
  'devices.none': 'No remembered devices. Pair a device to keep it here.',
  'devices.rename': 'Rename',
  'devices.renameLabel': 'New name for {name}',
  'devices.renameSave': 'Save name',
  'devices.renameCancel': 'Cancel',
  'devices.forget': 'Forget',
  'devices.forgetLabel': 'Forget {name}',
  'devices.renameButtonLabel': 'Rename {name}',
  'devices.forgetQuestion': 'Forget {name}?',
  'devices.forgetExplain':
    '{name} will no longer reconnect by itself, and its waiting messages are dropped. To talk to it again, pair with a new code.',
  'devices.forgetConfirm': 'Forget',
  'devices.forgetCancel': 'Keep',
  'devices.forgotten': '{name} was forgotten.',
  'devices.reconnected': 'Reconnected to {name}.',
  'devices.refused':
    '{name} came back without proving it is the device you paired with. It was not let in; pair again with a new code if you trust it.',
  'devices.certificateChanged':
    '{name} came back with a security certificate other than the one remembered, and no proof signed by its key that it replaced it. It was not let in: another device may be posing as it. If it was reset, forget it and pair again with a new code.',
  'chat.status.waiting': 'Waiting for the device to come online',
  'chat.waitingNote': '{name} is offline. Messages you write wait here and go out when it is back.',
} as const;

export const devicesMessagesZhCN: Record<keyof typeof devicesMessagesEn, string> = {
  'devices.lastSeen': '上次在线 {when}',
  'devices.neverSeen': '配对后未再上线',
  'devices.entryOffline': '{name}，离线，上次在线 {when}',
  'devices.entryOfflineUnread': '{name}，离线，上次在线 {when}，{count} 条未读',
  'devices.heading': '记住的设备',
  'devices.none': '没有记住的设备。配对一台设备后它会保存在这里。',
  'devices.rename': '重命名',
  'devices.renameLabel': '{name} 的新名称',
  'devices.renameSave': '保存名称',
  'devices.renameCancel': '取消',
  'devices.forget': '忘记',
  'devices.forgetLabel': '忘记 {name}',
  'devices.renameButtonLabel': '重命名 {name}',
  'devices.forgetQuestion': '忘记 {name}？',
  'devices.forgetExplain':
    '{name} 将不再自动重新连接，等待发送的消息也会被丢弃。要再次联系它，需要用新的配对码重新配对。',
  'devices.forgetConfirm': '忘记',
  'devices.forgetCancel': '保留',
  'devices.forgotten': '已忘记 {name}。',
  'devices.reconnected': '已重新连接到 {name}。',
  'devices.refused':
    '{name} 重新出现，但无法证明它就是你配对过的那台设备，因此没有让它连接。如果你信任它，请用新的配对码重新配对。',
  'devices.certificateChanged':
    '{name} 重新出现，但使用的安全证书与记住的不同，也没有用它的密钥签名的证书更换证明，因此没有让它连接：可能有其他设备在冒充它。如果它被重置过，请忘记它，再用新的配对码重新配对。',
  'chat.status.waiting': '等待对方设备上线',
  'chat.waitingNote': '{name} 离线。你写的消息会在这里等待，等它上线后发出。',
};
