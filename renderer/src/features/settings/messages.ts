/**
 * Strings of the settings added for the desktop shell and connections (launch at login, start
 * hidden, receive folder, STUN/TURN servers), in English and Simplified Chinese. Spread into the
 * catalogs in i18n/en.ts and i18n/zh-CN.ts.
 */
export const settingsMessagesEn = {
  'settings.section.desktop': 'Desktop',
  'settings.section.connection': 'Connection',
  'settings.section.calls': 'Calls',
  'settings.launchAtLogin': 'Start Ferry when I log in',
  'settings.startHidden': 'Start hidden in the tray',
  'settings.startHiddenHint':
    'When Ferry starts at login, it waits in the tray instead of opening its window.',
  'settings.receiveFolder': 'Receive folder',
  'settings.receiveFolderChoose': 'Choose…',
  'settings.receiveFolderChooseLabel': 'Choose the receive folder',
  'settings.receiveFolderHint': 'Where received files are saved. “Choose…” picks another folder.',
  'settings.iceServers': 'STUN/TURN servers',
  'settings.iceServersHint':
    'A JSON list, e.g. [{"urls": "turn:turn.example.org:3478", "username": "…", "credential": "…"}]. Added to those the pairing service provides. Leave empty for none.',
  'settings.iceServers.notJson': 'STUN/TURN servers: this is not valid JSON ({reason}).',
  'settings.iceServers.notList':
    'STUN/TURN servers must be a list in square brackets, like [{"urls": "stun:…"}].',
  'settings.iceServers.tooMany': 'At most {max} STUN/TURN servers.',
  'settings.iceServers.badItem':
    'STUN/TURN server {n} needs “urls” (text or a list of texts); “username” and “credential” must be text.',
  'settings.iceServers.badUrl':
    'STUN/TURN server {n}: “{url}” should start with stun:, stuns:, turn: or turns:.',
} as const;

export const settingsMessagesZhCN: Record<keyof typeof settingsMessagesEn, string> = {
  'settings.section.desktop': '桌面',
  'settings.section.connection': '连接',
  'settings.section.calls': '通话',
  'settings.launchAtLogin': '登录时启动 Ferry',
  'settings.startHidden': '启动时隐藏在托盘中',
  'settings.startHiddenHint': 'Ferry 在登录时启动后，留在托盘中而不打开窗口。',
  'settings.receiveFolder': '接收文件夹',
  'settings.receiveFolderChoose': '选择…',
  'settings.receiveFolderChooseLabel': '选择接收文件夹',
  'settings.receiveFolderHint': '收到的文件保存的位置。用“选择…”换一个文件夹。',
  'settings.iceServers': 'STUN/TURN 服务器',
  'settings.iceServersHint':
    'JSON 列表，例如 [{"urls": "turn:turn.example.org:3478", "username": "…", "credential": "…"}]。会添加到配对服务提供的服务器之外。留空表示不添加。',
  'settings.iceServers.notJson': 'STUN/TURN 服务器：这不是有效的 JSON（{reason}）。',
  'settings.iceServers.notList': 'STUN/TURN 服务器必须是方括号中的列表，例如 [{"urls": "stun:…"}]。',
  'settings.iceServers.tooMany': 'STUN/TURN 服务器最多 {max} 个。',
  'settings.iceServers.badItem':
    '第 {n} 个 STUN/TURN 服务器需要 “urls”（文本或文本列表）；“username” 和 “credential” 必须是文本。',
  'settings.iceServers.badUrl':
    '第 {n} 个 STUN/TURN 服务器：“{url}” 应以 stun:、stuns:、turn: 或 turns: 开头。',
};
