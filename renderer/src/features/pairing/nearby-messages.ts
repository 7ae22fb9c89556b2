/**
 * Strings of the nearby-devices list on the pairing screen, in English and Simplified Chinese.
 * Spread into the catalogs in i18n/en.ts and i18n/zh-CN.ts.
 */
export const nearbyMessagesEn = {
  'pair.nearby.heading': 'Nearby',
  'pair.nearby.intro': 'Ferry devices on this network. Choose one, then enter the code it shows.',
  'pair.nearby.entry': 'Nearby: {name}',
  'pair.nearby.chosen': 'Enter the code {name} shows.',
} as const;

export const nearbyMessagesZhCN: Record<keyof typeof nearbyMessagesEn, string> = {
  'pair.nearby.heading': '附近',
  'pair.nearby.intro': '这个网络上的 Ferry 设备。选择一台，然后输入它显示的配对码。',
  'pair.nearby.entry': '附近：{name}',
  'pair.nearby.chosen': '请输入 {name} 上显示的配对码。',
};
