// 中文（默认）。Every key here has its English in en.js.
export default {
  'app.title': '社区(乡村)110 指挥中心',
  'app.name': '社区(乡村)110',
  loading: '加载中…',
  cancel: '取消',
  'error.load': '页面加载失败：',
  'error.network': '网络不畅，正在重试…',

  'filter.category': '类别', 'filter.status': '状态', 'filter.window': '时间', 'filter.all': '全部',
  'filter.today': '今天', 'filter.7d': '近7天', 'filter.30d': '近30天', 'filter.90d': '近90天', 'filter.365d': '近一年',
  'filter.custom': '自定义',

  'auth.signIn': '登录', 'auth.signOut': '退出', 'auth.needed': '登录后可查看事件详情与实时动态。',
  'auth.title': '工作人员登录', 'auth.username': '用户名', 'auth.password': '密码', 'auth.submit': '登录',
  'auth.wrong': '用户名或密码错误。', 'auth.welcome': '已登录：{name}', 'auth.back': '返回指挥中心地图',

  'layers.title': '图层', 'tab.live': '实时', 'tab.detail': '详情', 'tab.stats': '统计',
  'detail.hint': '点击地图上的网格或事件查看详情。',
  'layer.choropleth': '网格事件数（分级设色）', 'layer.heatmap': '热力图（H3 六边形）', 'layer.hotspots': '热点分析（Gi*）',
  'layer.grids': '网格边界与名称', 'layer.reports': '事件点', 'layer.teams': 'N 支队伍驻点',
  'legend.choropleth': '网格事件数', 'legend.heatmap': '六边形事件数', 'legend.hotspots': '热点 / 冷点',
  'legend.grids': '网格层级', 'legend.reports': '事件状态', 'legend.teams': '队伍类型',
  'legend.bin3': '热点 99%', 'legend.bin2': '热点 95%', 'legend.bin1': '热点 90%',
  'legend.bin-1': '冷点 90%', 'legend.bin-2': '冷点 95%', 'legend.bin-3': '冷点 99%',

  'level.city': '市', 'level.district': '区县', 'level.township': '乡镇街道', 'level.community': '社区村', 'level.compound': '小区网格',

  'status.submitted': '已上报', 'status.filed': '已立案', 'status.dispatched': '已派遣', 'status.in_progress': '处置中',
  'status.returned': '已回退', 'status.reopened': '已重启', 'status.resolved': '已处置', 'status.verified': '已核查',
  'status.closed': '已办结', 'status.rejected': '不予受理',

  'team.patrol': '治安巡逻', 'team.legal_aid': '法律援助', 'team.volunteer': '志愿服务', 'team.anti_counterfeit': '打假',
  'team.emergency': '应急救援', 'team.mediation': '矛盾调解', 'team.medical': '医疗救护', 'team.duty': '“2”队伍',
  'team.onDuty': '在岗', 'team.offDuty': '不在岗',

  'role.grid_worker': '网格员', 'role.police_officer': '民警', 'role.auxiliary_police': '辅警', 'role.volunteer': '志愿者',
  'role.lawyer': '律师', 'role.mediator': '调解员', 'role.inspector': '检查员', 'role.medic': '医护', 'role.rescuer': '救援队员',
  'role.leader': '队长', 'role.member': '队员',

  'staffRole.grid_worker': '网格员', 'staffRole.police': '民警/辅警', 'staffRole.team_member': '队伍成员',
  'staffRole.command_township': '乡镇街道指挥中心', 'staffRole.command_district': '区县指挥中心',
  'staffRole.command_city': '市指挥中心', 'staffRole.department': '职能部门', 'staffRole.admin': '管理员', 'staffRole.api_client': '接口客户端',

  'live.created': '新上报', 'live.escalated': '督办升级', 'live.rated': '群众评价', 'live.moved': '{from} → {to}',
  'live.signin': '登录后显示辖区内的实时事件。', 'live.connecting': '正在连接实时推送…', 'live.open': '实时推送已连接',
  'live.reconnecting': '连接中断，正在重连…', 'live.closed': '实时推送已断开，请刷新页面。', 'live.off': '',

  'grid.reportPage': '打开上报页', 'grid.qrPNG': '下载二维码', 'grid.qrSheet': '打印本社区各小区二维码（A4）',
  'grid.area': '面积 {km2} 平方公里', 'grid.dutyTeam': '“2”队伍', 'grid.noTeam': '暂无登记的“2”队伍。',
  'grid.recent': '近期事件', 'grid.noCases': '当前筛选下没有事件。',

  'case.priority': '优先级 {p}', 'case.due': '办理时限', 'case.grid': '网格', 'case.dutyTeam': '“2”队伍',
  'case.team': 'N 支队伍', 'case.department': '职能部门', 'case.created': '上报时间', 'case.reporter': '上报人',
  'case.result': '处置结果：', 'case.overdue': '已超期', 'case.escalated': '已督办 {n} 次（{grid}）', 'case.stageDue': '本环节时限',
  'case.duplicates': '疑似重复', 'case.noMoves': '您的角色当前无可执行的操作。', 'case.moves': '办理', 'case.history': '办理记录',

  'event.submitted': '群众上报', 'event.filed': '立案', 'event.dispatched': '派遣', 'event.in_progress': '开始处置',
  'event.resolved': '处置完毕', 'event.verified': '核查通过', 'event.closed': '办结', 'event.returned': '回退',
  'event.rejected': '不予受理', 'event.reopened': '重新办理', 'event.extension_requested': '申请延期',
  'event.extension_granted': '批准延期', 'event.supervised': '督办', 'event.escalated': '督办升级', 'event.rated': '群众评价',

  'channel.qr': '扫码上报', 'channel.miniapp': '小程序', 'channel.api': '接口', 'channel.open311': 'Open311',
  'channel.terminal': '网格终端', 'channel.phone': '电话', 'channel.web': '网页',

  'dept.public_security': '公安派出所', 'dept.judicial': '司法所', 'dept.market': '市场监督管理所',
  'dept.emergency_mgmt': '应急管理办公室', 'dept.urban_mgmt': '城市管理执法', 'dept.civil_affairs': '民政办', 'dept.health': '卫生健康办',

  'move.file': '立案', 'move.dispatch': '派遣', 'move.start': '开始处置', 'move.resolve': '处置完毕', 'move.verify': '核查通过',
  'move.close': '办结', 'move.return': '回退', 'move.request_extension': '申请延期', 'move.grant_extension': '批准延期',
  'move.reject': '不予受理', 'move.reopen': '重新办理',
  'move.team': '处置队伍', 'move.department': '职能部门', 'move.dueAt': '新的办理时限', 'move.duplicateOf': '与此事件重复（编号，可空）',
  'move.note': '备注', 'move.noteRequired': '说明（必填）', 'move.submit': '确定', 'move.conflict': '事件状态已变为“{status}”，请刷新后再试。',

  'stats.unavailable': '统计接口尚未启用。', 'stats.reports': '件事件', 'stats.byCategory': '按类别', 'stats.byDay': '按日',
  'stats.onTime': '按时办结率', 'stats.onTimeShort': '按时办结', 'stats.onTimeDetail': '按时办结 {onTime} / 办结 {closed} 件',
  'stats.csv': '导出 CSV',

  'r.title': '事件上报', 'r.where': '您所在的小区', 'r.unknown': '找不到这个小区的编码，请重新扫描小区门口的二维码。',
  'r.category': '1. 选择事件类别', 'r.text': '2. 描述情况', 'r.textHint': '发生了什么？在什么位置？（必填）',
  'r.emergency': '正在发生危险？请立即拨打 110。', 'r.call': '拨打 110',
  'r.photos': '3. 照片（可选，最多 6 张）', 'r.addPhoto': '拍照或选择照片', 'r.voice': '语音（可选，最长 60 秒）',
  'r.record': '开始录音', 'r.stop': '停止录音', 'r.recording': '录音中 {s} 秒', 'r.voiceReady': '语音 {s} 秒',
  'r.noMic': '无法使用麦克风：{why}', 'r.remove': '删除',
  'r.location': '共享我的位置（更准确，可选）', 'r.locating': '正在定位…', 'r.located': '已定位，精度约 {m} 米',
  'r.noLocation': '无法获取位置，将按小区位置上报。',
  'r.contact': '联系方式（可选，仅工作人员可见）', 'r.name': '称呼', 'r.phone': '手机号',
  'r.submit': '提交', 'r.sending': '正在提交…', 'r.retrying': '网络不畅，第 {n} 次重试…',
  'r.failed': '提交失败：{why}', 'r.needCategory': '请选择事件类别。', 'r.needText': '请描述情况。',
  'r.done': '提交成功', 'r.code': '您的查询码', 'r.keep': '请保存查询码，可随时查看办理进度。', 'r.track': '查看办理进度',
  'r.dupes': '附近已有 {n} 件同类事件在办理，工作人员会一并处理。',
  'r.another': '再报一件', 'r.dutyTeam': '负责网格：{team}',
  'r.badType': '“{name}”不是可接受的图片格式（JPEG、PNG、WebP），已忽略。',
  'r.tooBig': '“{name}”太大（{mb} MB）：照片压缩后不能超过 10 MB。',
  'r.tooMany': '最多 6 张照片，“{name}”未添加。', 'r.unreadable': '无法读取“{name}”，请换一张照片。',
  'r.voiceTooBig': '语音太大（{mb} MB），不能超过 5 MB，请录短一些。',

  't.title': '办理进度', 't.code': '查询码', 't.lookup': '查询', 't.notFound': '没有找到这个查询码。',
  't.status': '当前状态', 't.grid': '所在网格', 't.created': '上报时间', 't.history': '办理过程',
  't.rate': '您对处理结果满意吗？', 't.satisfied': '满意', 't.unsatisfied': '不满意', 't.comment': '意见（可选）',
  't.thanks': '感谢您的评价。', 't.rated': '您的评价：{v}',
};
