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
    'Added to those the pairing service provides. A TURN server also needs its username and credential.',
  'settings.iceServers.none': 'None. Connections use the pairing service’s servers only.',
  'settings.iceServers.add': 'Add a server',
  'settings.iceServers.remove': 'Remove',
  'settings.iceServers.removeLabel': 'Remove server {n}',
  'settings.iceServers.server': 'Server {n}',
  'settings.iceServers.url': 'Address',
  'settings.iceServers.username': 'Username',
  'settings.iceServers.credential': 'Credential',
  'settings.iceServers.urlMissing': 'Type the server’s address, like stun:stun.example.org:3478.',
  'settings.iceServers.urlTooLong': 'This address is too long (at most 512 characters).',
  'settings.iceServers.urlScheme': 'The address starts with stun:, stuns:, turn: or turns:.',
  'settings.iceServers.urlHost': 'Add the server’s host name after the colon, like turn:turn.example.org.',
  'settings.iceServers.urlAddress':
    'After the colon comes a host name and an optional port, like turn.example.org:3478, with no spaces or slashes.',
  'settings.iceServers.urlQuery':
    'The only option an address takes is ?transport=udp or ?transport=tcp, on TURN.',
  'settings.iceServers.credentialsMissing': 'A TURN server needs a username and a credential.',
  'settings.iceServers.credentialsTooLong': 'Username and credential are at most 512 characters each.',
  'settings.iceServers.tooMany': 'At most {max} STUN/TURN servers.',
  'settings.iceServers.fix': 'Check the STUN/TURN servers: a server has a problem, shown at its field.',
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
  'settings.iceServersHint': '会添加到配对服务提供的服务器之外。TURN 服务器还需要用户名和凭据。',
  'settings.iceServers.none': '无。连接只使用配对服务提供的服务器。',
  'settings.iceServers.add': '添加服务器',
  'settings.iceServers.remove': '删除',
  'settings.iceServers.removeLabel': '删除服务器 {n}',
  'settings.iceServers.server': '服务器 {n}',
  'settings.iceServers.url': '地址',
  'settings.iceServers.username': '用户名',
  'settings.iceServers.credential': '凭据',
  'settings.iceServers.urlMissing': '请输入服务器地址，例如 stun:stun.example.org:3478。',
  'settings.iceServers.urlTooLong': '地址太长（最多 512 个字符）。',
  'settings.iceServers.urlScheme': '地址以 stun:、stuns:、turn: 或 turns: 开头。',
  'settings.iceServers.urlHost': '请在冒号后填写服务器的主机名，例如 turn:turn.example.org。',
  'settings.iceServers.urlAddress':
    '冒号后是主机名和可选的端口，例如 turn.example.org:3478，不能有空格或斜杠。',
  'settings.iceServers.urlQuery': '地址只接受 ?transport=udp 或 ?transport=tcp 这一个选项，且仅用于 TURN。',
  'settings.iceServers.credentialsMissing': 'TURN 服务器需要用户名和凭据。',
  'settings.iceServers.credentialsTooLong': '用户名和凭据各最多 512 个字符。',
  'settings.iceServers.tooMany': 'STUN/TURN 服务器最多 {max} 个。',
  'settings.iceServers.fix': '请检查 STUN/TURN 服务器：有服务器存在问题，已在对应字段处标出。',
};
